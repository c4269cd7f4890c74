from diary.cli import main

main()
