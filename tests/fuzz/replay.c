/* The plain-program driver of a fuzz target: feeds each file named on the command line (or each
 * file in each directory named) to LLVMFuzzerTestOneInput once. `make check` runs it over the
 * seed corpus and every regression input in tests/fuzz/regress/<target>/. Test code only. */
#include "tests/fuzz/fuzz.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    unsigned char *data = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;

    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    for (;;) {
        if (n == cap) {
            unsigned char *p = realloc(data, cap ? cap * 2 : 4096);
            if (p == NULL)
                goto out;
            data = p;
            cap = cap ? cap * 2 : 4096;
        }
        size_t r = fread(data + n, 1, cap - n, f);
        if (r == 0)
            break;
        n += r;
    }
    if (ferror(f))
        goto out;
    LLVMFuzzerTestOneInput(data, n);
    rc = 0;
out:
    free(data);
    fclose(f);
    return rc;
}

static int replay_path(const char *path, int *count)
{
    struct stat st;
    DIR *d;
    struct dirent *ent;
    int rc = 0;

    if (stat(path, &st) != 0)
        return 0; /* an absent corpus or regress directory is fine */
    if (!S_ISDIR(st.st_mode)) {
        (*count)++;
        return replay_file(path);
    }
    d = opendir(path);
    if (d == NULL)
        return -1;
    while ((ent = readdir(d)) != NULL) {
        char sub[4096];
        if (ent->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, ent->d_name);
        if (replay_path(sub, count) != 0)
            rc = -1;
    }
    closedir(d);
    return rc;
}

int main(int argc, char **argv)
{
    int count = 0, rc = 0;

    for (int i = 1; i < argc; i++)
        if (replay_path(argv[i], &count) != 0)
            rc = 1;
    printf("replayed %d inputs\n", count);
    return rc;
}
