import PidtraceCLI

Pidtrace.main()
