/* Helpers shared by the fuzz targets: a C-string copy of the input and a temporary file holding
 * it (for loaders that take a path). Test code only; never linked into pipetop. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        return NULL;
    if (size > 0)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

const char *fuzz_tmpfile(const uint8_t *data, size_t size, const char *tag)
{
    static char path[256];
    const char *dir = getenv("TMPDIR");
    int fd;

    snprintf(path, sizeof(path), "%s/pipetop-fuzz-%s-XXXXXX", dir && *dir ? dir : "/tmp", tag);
    fd = mkstemp(path);
    if (fd < 0)
        return NULL;
    while (size > 0) {
        ssize_t w = write(fd, data, size);
        if (w <= 0) {
            close(fd);
            unlink(path);
            return NULL;
        }
        data += w;
        size -= (size_t)w;
    }
    close(fd);
    return path;
}
