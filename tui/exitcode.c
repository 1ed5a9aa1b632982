/* tui/exitcode.c: maps error codes to the documented exit codes. One table, no other logic. */
#include "tui/exitcode.h"

int exit_code_for(enum err_code code)
{
    switch (code) {
    case ERR_OK:
        return EXIT_OK;
    case ERR_USAGE:
    case ERR_NOT_FOUND:
        return EXIT_USAGE;
    case ERR_CONFIG:
    case ERR_AUTH:
        return EXIT_CONFIG;
    case ERR_NETWORK:
    case ERR_SERVICE:
    case ERR_PARSE:
        return EXIT_NETWORK;
    case ERR_REFUSED:
        return EXIT_REFUSED;
    case ERR_IO:
    case ERR_DB:
        return EXIT_LOCAL;
    case ERR_NOMEM:
    case ERR_INTERNAL:
        break;
    }
    return EXIT_INTERNAL;
}
