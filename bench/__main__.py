"""`make bench`: run every benchmark module and print its figures."""

import asyncio

from bench import login


def main() -> None:
    asyncio.run(login.run())


if __name__ == "__main__":
    main()
