from chaincards.cli import main

main()
