import pytest

from workorder.auth.passwords import (
    HashCost,
    hash_password,
    needs_rehash,
    use_cost,
    verify_password,
)
from workorder.settings import Settings, SettingsError


async def test_argon2id_hash_verifies_only_the_right_password():
    stored = await hash_password("s3cret-enough")
    assert stored.startswith("$argon2id$")
    assert await verify_password(stored, "s3cret-enough")
    assert not await verify_password(stored, "s3cret-enougH")
    assert not await verify_password(None, "s3cret-enough")
    assert not await verify_password("garbage", "s3cret-enough")


async def test_a_hash_of_another_cost_verifies_and_is_rehashed_at_the_standard_cost():
    cheap = await hash_password("s3cret-enough")  # the suite hashes at the testing cost
    use_cost(HashCost.STANDARD)
    try:
        assert await verify_password(cheap, "s3cret-enough")
        assert needs_rehash(cheap)
        assert not needs_rehash(await hash_password("s3cret-enough"))
    finally:
        use_cost(HashCost.TESTING)


def test_the_testing_cost_is_refused_in_production():
    settings = Settings(
        workorder_env="production", secret_key="k" * 40, password_hash_cost="testing"
    )
    with pytest.raises(SettingsError, match="PASSWORD_HASH_COST"):
        settings.password_hashing  # noqa: B018
