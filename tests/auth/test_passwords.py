from workorder.auth.passwords import hash_password, verify_password


async def test_argon2id_hash_verifies_only_the_right_password():
    stored = await hash_password("s3cret-enough")
    assert stored.startswith("$argon2id$")
    assert await verify_password(stored, "s3cret-enough")
    assert not await verify_password(stored, "s3cret-enougH")
    assert not await verify_password(None, "s3cret-enough")
    assert not await verify_password("garbage", "s3cret-enough")
