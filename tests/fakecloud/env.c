/* tests/fakecloud/env.c: DIR/env.sh — `export` lines that point pipetop (and the aws/bq-style
 * settings it reads) at this server, so tests reach it exactly as a user would configure an
 * endpoint. Add a service's variables in fc_env_lines(). Never points anywhere but loopback. */
#include "tests/fakecloud/fakecloud.h"
#include "tests/fakecloud/google.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* export NAME='value' with the value single-quoted for sh. */
static void put(FILE *f, const char *name, const char *value)
{
    fprintf(f, "export %s='", name);
    for (const char *p = value; *p; p++) {
        if (*p == '\'')
            fputs("'\\''", f);
        else
            fputc(*p, f);
    }
    fputs("'\n", f);
}

/* The variables, one `export` line each. Other services add their own lines here
 * (the Google key files they name are written by fc_env_write, once the port is known). */
void fc_env_lines(const struct fakecloud *fc, FILE *f)
{
    char url[64], path[PATH_MAX + 32], dir[PATH_MAX];

    snprintf(url, sizeof(url), "%s://127.0.0.1:%u", fc->tls_cert ? "https" : "http", fc->port);
    fputs("# written by tests/fakecloud: source this to point pipetop at the fake cloud\n", f);
    put(f, "FAKECLOUD_URL", url);
    put(f, "AWS_ACCESS_KEY_ID", fc->scen.aws_access_key_id);
    put(f, "AWS_SECRET_ACCESS_KEY", fc->scen.aws_secret_access_key);
    if (fc->scen.aws_session_token)
        put(f, "AWS_SESSION_TOKEN", fc->scen.aws_session_token);
    else
        fputs("unset AWS_SESSION_TOKEN AWS_PROFILE\n", f);
    put(f, "AWS_REGION", fc->scen.aws_region);
    put(f, "AWS_ENDPOINT_URL", url);
    put(f, "AWS_EC2_METADATA_DISABLED", "true");
    put(f, "PIPETOP_BIGQUERY_ENDPOINT", url);
    put(f, "PIPETOP_DTS_ENDPOINT", url);
    if (realpath(fc->workdir, dir) == NULL)
        snprintf(dir, sizeof(dir), "%s", fc->workdir);
    snprintf(path, sizeof(path), "%s/service_account.json", dir);
    put(f, "GOOGLE_APPLICATION_CREDENTIALS", path);
    put(f, "GOOGLE_CLOUD_PROJECT", fc->scen.gcp_project);
    snprintf(path, sizeof(path), "127.0.0.1:%u", fc->port);
    put(f, "GCE_METADATA_HOST", path);
    snprintf(path, sizeof(path), "%s/config.ini", dir);
    put(f, "PIPETOP_CONFIG", path);
}

/* DIR/config.ini: a pipetop config for this scenario — its time zone (root "timezone", else
 * UTC) and its Google project and DTS location. */
static int write_config(const struct fakecloud *fc)
{
    const char *tz = json_string_value(json_object_get(fc->scen.root, "timezone"));
    char path[1100];
    FILE *f;

    snprintf(path, sizeof(path), "%s/config.ini", fc->workdir);
    if ((f = fopen(path, "w")) == NULL)
        return -1;
    fprintf(f,
            "# written by tests/fakecloud for its scenario\n[general]\ntimezone = %s\n\n"
            "[gcp]\nproject = %s\nlocation = %s\n",
            tz ? tz : "UTC", fc->scen.gcp_project, fc->scen.gcp_location);
    return fclose(f) == 0 ? 0 : -1;
}

int fc_env_write(const struct fakecloud *fc, const char *path)
{
    char tmp[1100];
    FILE *f;

    if (fc_google_write_credentials(fc) != 0 || write_config(fc) != 0)
        return -1;
    snprintf(tmp, sizeof(tmp), "%s.tmp", path);
    f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fc_env_lines(fc, f);
    if (fclose(f) != 0 || rename(tmp, path) != 0) {
        remove(tmp);
        return -1;
    }
    return 0;
}
