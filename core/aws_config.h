/* core/aws_config.h: what the environment and the AWS shared files (~/.aws/credentials,
 * ~/.aws/config) say — the chosen profile, its keys and role settings, the region and each
 * service's endpoint — resolved in the AWS CLI's order. No network. Secret values read from the
 * files are kept only in memory and wiped by aws_config_free(). */
#ifndef CORE_AWS_CONFIG_H
#define CORE_AWS_CONFIG_H

#include <stddef.h>

#include "core/err.h"

#define AWS_CONFIG_MAX_WARNINGS 8

struct aws_config_options {
    const char *profile;         /* e.g. --profile; NULL = AWS_DEFAULT_PROFILE / AWS_PROFILE */
    const char *region;          /* e.g. --region; wins over everything; may be NULL */
    const char *region_fallback; /* pipetop's config [aws] region; used last; may be NULL */
};

struct aws_config;

/* Reads the environment and both files. Missing files are fine (the chain goes on); an
 * unreadable file (ERR_IO: path and strerror), an invalid one (ERR_CONFIG: file:line) or a
 * profile named by AWS_PROFILE / options that exists in neither file (ERR_CONFIG, listing the
 * profiles that do exist) is an error. *out is NULL on error. Free with aws_config_free(). */
int aws_config_load(struct aws_config **out, const struct aws_config_options *opt, struct err *e);
void aws_config_free(struct aws_config *c);

/* The profile in use ("default" unless chosen), and how it was chosen ("AWS_PROFILE", ...). */
const char *aws_config_profile(const struct aws_config *c);

/* Paths in use, as the user would write them ("~/.aws/credentials"). */
const char *aws_config_credentials_path(const struct aws_config *c);
const char *aws_config_config_path(const struct aws_config *c);

/* Warnings found while loading (e.g. a credentials file readable by others). Borrowed. */
size_t aws_config_warnings(const struct aws_config *c, const char *const **list);

/* A setting of profile (NULL = the profile in use): the credentials file section first, then
 * the config file's "[profile NAME]" ("[default]"). where (may be NULL) receives "shared
 * credentials file ~/.aws/credentials" or "config file ~/.aws/config". NULL when unset. */
const char *aws_config_get(const struct aws_config *c, const char *profile, const char *key,
                           const char **where);

/* A nested setting of the config file ("[services NAME]" "dynamodb =" then an indented
 * "endpoint_url = URL" line): the value of subkey under key in section, or NULL. */
const char *aws_config_nested_get(const struct aws_config *c, const char *section, const char *key,
                                  const char *subkey);

/* Whether profile appears in either file. */
int aws_config_has_profile(const struct aws_config *c, const char *profile);

/* The region: options->region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
 * options->region_fallback. source (may be NULL) names where it came from. NULL if none. */
const char *aws_config_region(const struct aws_config *c, const char **source);

struct aws_endpoint {
    char url[1024];    /* no trailing '/': "https://dynamodb.eu-west-1.amazonaws.com" */
    char source[160];  /* "AWS_ENDPOINT_URL_DYNAMODB", "default", ... */
    int overridden;    /* 1 when not the AWS default */
    int s3_path_style; /* S3 only: address buckets as URL/bucket/key */
};

/* The endpoint of service ("sts" "rds" "dynamodb" "s3" "lambda" "events") in region:
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services section, the profile's
 * endpoint_url, then https://{service}.{region}.amazonaws.com (.com.cn in China). Overrides are
 * skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. Returns -1 (ERR_USAGE) for an unknown
 * service, a missing region or an override that is not an http(s) URL. */
int aws_config_endpoint(const struct aws_config *c, const char *service, const char *region,
                        struct aws_endpoint *out, struct err *e);

/* "~/x" with $HOME expanded (a new string, or NULL on OOM); the reverse for display. */
char *aws_config_expand_home(const char *path);
void aws_config_display_path(char *out, size_t n, const char *path);

#endif
