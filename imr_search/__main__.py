from imr_search.cli import main

main()
