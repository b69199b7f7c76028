"""Allow ``python -m tilbase``."""

from tilbase.launch import main

if __name__ == "__main__":
    main()
