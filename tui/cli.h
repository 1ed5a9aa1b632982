/* tui/cli.h: the command-line front door: parses argv and dispatches to a command. */
#ifndef TUI_CLI_H
#define TUI_CLI_H

/* Runs pipetop with argv; returns the process exit code (see README "Exit codes"). */
int cli_main(int argc, char **argv);

#endif
