from agent.faces.cli import main

main()
