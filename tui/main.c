/* tui/main.c: process entry point; everything else lives in tui/cli.c so tests can call it. */
#include "tui/cli.h"

int main(int argc, char **argv)
{
    return cli_main(argc, argv);
}
