"""How big a page is and which way it runs: one rule for every connection and the ticket list
(the GraphQL layer and the list flow both read it, so they cannot drift apart)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Final

from workorder.errors import invalid

DEFAULT_PAGE: Final = 20
MAX_PAGE: Final = 100

# A page's "are there more?" answer: known from the page's own extra row, or a question put
# to the database only if a client asks for it (one statement, never per row).
Answer = bool | Callable[[], Awaitable[bool]]


def page_size(first: int | None, last: int | None) -> tuple[int, bool]:
    """(rows, backwards). Relay leaves `first` with `last` "strongly discouraged" and its
    meaning muddled (a slice of a slice); refusing it is plainer than a surprising page."""
    if first is not None and last is not None:
        raise invalid("Give first or last, not both", ["last"])
    for name, given in (("first", first), ("last", last)):
        if given is not None and not 0 <= given <= MAX_PAGE:
            raise invalid(f"{name} must be between 0 and {MAX_PAGE}", [name])
    if last is not None:
        return last, True
    return (DEFAULT_PAGE if first is None else first), False


async def answered(answer: Answer) -> bool:
    return answer if isinstance(answer, bool) else await answer()
