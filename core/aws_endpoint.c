/* core/aws_endpoint.c: which URL each AWS service is called at — the endpoint overrides of the
 * AWS SDKs (AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, [services], endpoint_url) or the
 * public default. Never guesses a URL it cannot justify; rejects overrides that are not http(s). */
#include "core/aws_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct svc {
    const char *name;   /* pipetop's name and the endpoint host prefix */
    const char *env;    /* AWS_ENDPOINT_URL_<env> (upper-snake serviceId) */
    const char *config; /* key in a [services] section */
};

static const struct svc services[] = {
    {"sts", "STS", "sts"}, {"rds", "RDS", "rds"},          {"dynamodb", "DYNAMODB", "dynamodb"},
    {"s3", "S3", "s3"},    {"lambda", "LAMBDA", "lambda"}, {"events", "EVENTBRIDGE", "eventbridge"},
};

static int is_true(const char *v)
{
    return v && strcasecmp(v, "true") == 0;
}

static int set_url(struct aws_endpoint *out, const char *url, const char *service, struct err *e)
{
    size_t n = strlen(url);

    if (strncasecmp(url, "https://", 8) != 0 && strncasecmp(url, "http://", 7) != 0)
        return err_set(e, ERR_CONFIG,
                       "%s endpoint \"%s\" from %s is not an http:// or https:// URL", service, url,
                       out->source);
    while (n > 0 && url[n - 1] == '/')
        n--;
    if (n >= sizeof(out->url))
        return err_set(e, ERR_CONFIG, "%s endpoint from %s is too long", service, out->source);
    memcpy(out->url, url, n);
    out->url[n] = '\0';
    out->overridden = 1;
    return 0;
}

int aws_config_endpoint(const struct aws_config *c, const char *service, const char *region,
                        struct aws_endpoint *out, struct err *e)
{
    const struct svc *s = NULL;
    const char *v, *where = NULL;
    char env[64];

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
        if (strcmp(services[i].name, service) == 0)
            s = &services[i];
    if (s == NULL)
        return err_set(e, ERR_USAGE, "no endpoint rule for AWS service \"%s\"", service);
    if (!is_true(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) &&
        !is_true(aws_config_get(c, NULL, "ignore_configured_endpoint_urls", NULL))) {
        snprintf(env, sizeof(env), "AWS_ENDPOINT_URL_%s", s->env);
        if ((v = getenv(env)) && *v) {
            snprintf(out->source, sizeof(out->source), "%s", env);
        } else if ((v = getenv("AWS_ENDPOINT_URL")) && *v) {
            snprintf(out->source, sizeof(out->source), "AWS_ENDPOINT_URL");
        } else if ((where = aws_config_get(c, NULL, "services", NULL)) && *where) {
            char sect[256];
            snprintf(sect, sizeof(sect), "services %s", where);
            v = aws_config_nested_get(c, sect, s->config, "endpoint_url");
            snprintf(out->source, sizeof(out->source), "[services %s] %s in %s", where, s->config,
                     aws_config_config_path(c));
        }
        if ((v == NULL || !*v) && (v = aws_config_get(c, NULL, "endpoint_url", &where)) && *v)
            snprintf(out->source, sizeof(out->source), "endpoint_url of profile %s in the %s",
                     aws_config_profile(c), where);
        if (v && *v) {
            if (set_url(out, v, service, e))
                return -1;
            out->s3_path_style = strcmp(service, "s3") == 0;
            return 0;
        }
    }
    if (region == NULL || !*region)
        return err_set(e, ERR_CONFIG,
                       "no AWS region for %s: set AWS_REGION, region in the profile, or [aws] "
                       "region in pipetop's config",
                       service);
    snprintf(out->url, sizeof(out->url), "https://%s.%s.amazonaws.com%s", s->name, region,
             strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
    snprintf(out->source, sizeof(out->source), "default");
    return 0;
}
