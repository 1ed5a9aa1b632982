/* tests/fakecloud/scenario.c: loads the scenario JSON (--scenario FILE): the AWS and GCP
 * identities the fake answers as, and the fault settings. The whole document stays in
 * s->root for the service modules' own sections. Never exits on bad input: reports it. */
#include "tests/fakecloud/fakecloud.h"

#include <stdlib.h>
#include <string.h>

static int take(char **out, json_t *obj, const char *key, const char *dflt)
{
    const char *v = json_string_value(json_object_get(obj, key));

    if (v == NULL)
        v = dflt;
    *out = v ? strdup(v) : NULL;
    return (v && *out == NULL) ? -1 : 0;
}

int fc_scenario_load(struct fc_scenario *s, const char *path, char *errbuf, size_t errlen)
{
    json_error_t jerr;
    json_t *aws, *gcp;

    memset(s, 0, sizeof(*s));
    if (path == NULL) {
        s->root = json_object();
    } else {
        s->root = json_load_file(path, 0, &jerr);
        if (s->root == NULL) {
            snprintf(errbuf, errlen, "scenario %s: %s (line %d)", path, jerr.text, jerr.line);
            return -1;
        }
    }
    if (!json_is_object(s->root)) {
        snprintf(errbuf, errlen, "scenario %s: the top level must be a JSON object", path);
        fc_scenario_release(s);
        return -1;
    }
    aws = json_object_get(s->root, "aws");
    gcp = json_object_get(s->root, "gcp");
    if (take(&s->aws_access_key_id, aws, "access_key_id", "AKIDFAKECLOUD0000001") ||
        take(&s->aws_secret_access_key, aws, "secret_access_key",
             "fakecloudSecretKey/0000000000000000000000") ||
        take(&s->aws_session_token, aws, "session_token", NULL) ||
        take(&s->aws_region, aws, "region", "us-east-1") ||
        take(&s->aws_account_id, aws, "account_id", "123456789012") ||
        take(&s->gcp_project, gcp, "project", "fake-project") ||
        take(&s->gcp_location, gcp, "location", "us")) {
        snprintf(errbuf, errlen, "scenario: out of memory");
        fc_scenario_release(s);
        return -1;
    }
    return 0;
}

void fc_scenario_release(struct fc_scenario *s)
{
    free(s->aws_access_key_id);
    free(s->aws_secret_access_key);
    free(s->aws_session_token);
    free(s->aws_region);
    free(s->aws_account_id);
    free(s->gcp_project);
    free(s->gcp_location);
    json_decref(s->root);
    memset(s, 0, sizeof(*s));
}
