"""Allow ``python -m tilbase``."""

from tilbase.cli import main

if __name__ == "__main__":
    main()
