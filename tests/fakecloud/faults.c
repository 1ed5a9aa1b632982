/* tests/fakecloud/faults.c: fault injection — latency, throttling and 5xx in each protocol's
 * real shape (with Retry-After), connection resets, truncated bodies and stalls, chosen by a
 * seeded generator so a run can be repeated. Never applied to the /_fake control endpoints. */
#include "tests/fakecloud/fakecloud.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile int fc_stopping;

void fc_sleep_ms(long ms)
{
    while (ms > 0 && !fc_stopping) {
        long step = ms > 20 ? 20 : ms;
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static int load_rate(double *out, json_t *v, const char *where, const char *key, char *errbuf,
                     size_t errlen)
{
    double d = json_number_value(v);

    if (!json_is_number(v) || d < 0 || d > 1) {
        snprintf(errbuf, errlen, "faults.%s.%s: want a number from 0 to 1", where, key);
        return -1;
    }
    *out = d;
    return 0;
}

static int load_int(long *out, json_t *v, const char *where, const char *key, char *errbuf,
                    size_t errlen)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        snprintf(errbuf, errlen, "faults.%s.%s: want a whole number >= 0", where, key);
        return -1;
    }
    *out = (long)json_integer_value(v);
    return 0;
}

static const struct knob {
    const char *key;
    int is_rate;
    size_t off;
} knobs[] = {
    {"latency_ms", 0, offsetof(struct fc_faults, latency_ms)},
    {"throttle_rate", 1, offsetof(struct fc_faults, throttle_rate)},
    {"error_5xx_rate", 1, offsetof(struct fc_faults, error_5xx_rate)},
    {"reset_rate", 1, offsetof(struct fc_faults, reset_rate)},
    {"truncate_rate", 1, offsetof(struct fc_faults, truncate_rate)},
    {"stall_ms", 0, offsetof(struct fc_faults, stall_ms)},
    {"stall_rate", 1, offsetof(struct fc_faults, stall_rate)},
    {"retry_after_s", 0, offsetof(struct fc_faults, retry_after_s)},
    {"max_faults", 0, offsetof(struct fc_faults, max_faults)},
};

static int load_one(struct fc_faults *f, json_t *obj, const char *where, char *errbuf,
                    size_t errlen)
{
    const char *key;
    json_t *v;

    memset(f, 0, sizeof(*f));
    if (!json_is_object(obj)) {
        snprintf(errbuf, errlen, "faults.%s: want an object of fault knobs", where);
        return -1;
    }
    json_object_foreach(obj, key, v)
    {
        size_t k = 0;
        while (k < sizeof(knobs) / sizeof(knobs[0]) && strcmp(knobs[k].key, key) != 0)
            k++;
        if (k == sizeof(knobs) / sizeof(knobs[0])) {
            snprintf(errbuf, errlen, "faults.%s: unknown knob \"%s\"", where, key);
            return -1;
        }
        if ((knobs[k].is_rate
                 ? load_rate((double *)((char *)f + knobs[k].off), v, where, key, errbuf, errlen)
                 : load_int((long *)((char *)f + knobs[k].off), v, where, key, errbuf, errlen)) !=
            0)
            return -1;
    }
    return 0;
}

int fc_faults_load(struct fakecloud *fc, json_t *faults, char *errbuf, size_t errlen)
{
    struct fc_faults global, svc[FC_MAX_SERVICES];
    char names[FC_MAX_SERVICES][64];
    const char *key;
    json_t *v;
    int n = 0;

    memset(&global, 0, sizeof(global));
    if (faults != NULL && !json_is_object(faults)) {
        snprintf(errbuf, errlen,
                 "faults: want an object {\"global\": {...}, \"SERVICE[:OPERATION]\": {...}}");
        return -1;
    }
    json_object_foreach(faults, key, v)
    {
        if (strcmp(key, "global") == 0) {
            if (load_one(&global, v, key, errbuf, errlen) != 0)
                return -1;
            continue;
        }
        if (n >= FC_MAX_SERVICES || strlen(key) >= sizeof(names[0])) {
            snprintf(errbuf, errlen, "faults: too many services or name too long (\"%s\")", key);
            return -1;
        }
        if (load_one(&svc[n], v, key, errbuf, errlen) != 0)
            return -1;
        snprintf(names[n], sizeof(names[n]), "%s", key);
        n++;
    }
    pthread_mutex_lock(&fc->lock);
    fc->global = global;
    memcpy(fc->svc, svc, sizeof(svc[0]) * (size_t)n);
    memcpy(fc->svc_name, names, sizeof(names[0]) * (size_t)n);
    fc->n_svc = n;
    pthread_mutex_unlock(&fc->lock);
    return 0;
}

static json_t *one_json(const struct fc_faults *f)
{
    return json_pack("{s:I,s:f,s:f,s:f,s:f,s:I,s:f,s:I,s:I,s:I}", "latency_ms",
                     (json_int_t)f->latency_ms, "throttle_rate", f->throttle_rate, "error_5xx_rate",
                     f->error_5xx_rate, "reset_rate", f->reset_rate, "truncate_rate",
                     f->truncate_rate, "stall_ms", (json_int_t)f->stall_ms, "stall_rate",
                     f->stall_rate, "retry_after_s", (json_int_t)f->retry_after_s, "max_faults",
                     (json_int_t)f->max_faults, "faults_done", (json_int_t)f->faults_done);
}

json_t *fc_faults_json(struct fakecloud *fc)
{
    json_t *o = json_object();

    pthread_mutex_lock(&fc->lock);
    json_object_set_new(o, "global", one_json(&fc->global));
    for (int i = 0; i < fc->n_svc; i++)
        json_object_set_new(o, fc->svc_name[i], one_json(&fc->svc[i]));
    pthread_mutex_unlock(&fc->lock);
    return o;
}

static double rng_unit(uint64_t *s) /* splitmix64 → [0,1) */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return (double)(z >> 11) / 9007199254740992.0;
}

/* The protocol's throttling answer (API-NOTES §0.2, §0.1). */
static int throttle(struct fc_response *r, const char *svc)
{
    if (strcmp(svc, "dynamodb") == 0 || strcmp(svc, "events") == 0)
        return fc_respond_error(r, svc, 400, "ThrottlingException",
                                "Rate of requests exceeds the allowed throughput.");
    if (strcmp(svc, "sts") == 0 || strcmp(svc, "rds") == 0)
        return fc_respond_error(r, svc, 400, "Throttling", "Rate exceeded");
    if (strcmp(svc, "s3") == 0)
        return fc_respond_error(r, svc, 503, "SlowDown", "Please reduce your request rate.");
    if (strcmp(svc, "lambda") == 0)
        return fc_respond_error(r, svc, 429, "TooManyRequestsException", "Rate exceeded");
    if (strcmp(svc, "oauth2") == 0)
        return fc_respond_error(r, svc, 429, "temporarily_unavailable", "Rate exceeded");
    return fc_respond_error(r, svc, 429, "RESOURCE_EXHAUSTED",
                            "Quota exceeded: too many requests per second.");
}

static int server_error(struct fc_response *r, const char *svc)
{
    if (strcmp(svc, "dynamodb") == 0 || strcmp(svc, "events") == 0)
        return fc_respond_error(r, svc, 500, "InternalServerError", "Internal server error");
    if (strcmp(svc, "sts") == 0 || strcmp(svc, "rds") == 0)
        return fc_respond_error(r, svc, 500, "InternalFailure", "An internal error occurred.");
    if (strcmp(svc, "s3") == 0)
        return fc_respond_error(r, svc, 503, "ServiceUnavailable",
                                "Service is unable to handle "
                                "request.");
    if (strcmp(svc, "lambda") == 0)
        return fc_respond_error(r, svc, 500, "ServiceException", "An internal error occurred.");
    if (strcmp(svc, "oauth2") == 0)
        return fc_respond_error(r, svc, 503, "server_error", "The service is unavailable.");
    return fc_respond_error(r, svc, 503, "UNAVAILABLE", "The service is currently unavailable.");
}

int fc_faults_apply(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct fc_faults *f = &fc->global;
    const char *kind = NULL;
    long latency, stall = 0, retry_after;
    char ra[24];
    double x;

    pthread_mutex_lock(&fc->lock);
    /* the most specific knobs: "SERVICE:OPERATION", else "SERVICE", else "global" */
    for (int i = 0, best = 0; i < fc->n_svc; i++) {
        const char *n = fc->svc_name[i];
        size_t sl = strlen(req->service);
        if (strcmp(n, req->service) == 0 && best < 1)
            f = &fc->svc[i], best = 1;
        else if (strncmp(n, req->service, sl) == 0 && n[sl] == ':' && req->operation != NULL &&
                 strcmp(n + sl + 1, req->operation) == 0)
            f = &fc->svc[i], best = 2;
    }
    latency = f->latency_ms;
    retry_after = f->retry_after_s;
    if (f->max_faults == 0 || f->faults_done < f->max_faults) {
        /* one draw; the rates are stacked: [stall | throttle | 5xx | reset | truncate | none] */
        double stall_rate = f->stall_ms > 0 ? f->stall_rate : 0, edge = stall_rate;
        x = rng_unit(&fc->rng);
        if (f->stall_ms > 0 && (f->stall_rate <= 0 || x < edge))
            kind = "stall", stall = f->stall_ms;
        else if (x < (edge += f->throttle_rate))
            kind = "throttle";
        else if (x < (edge += f->error_5xx_rate))
            kind = "5xx";
        else if (x < (edge += f->reset_rate))
            kind = "reset";
        else if (x < (edge += f->truncate_rate))
            kind = "truncate";
        if (kind)
            f->faults_done++;
    }
    pthread_mutex_unlock(&fc->lock);

    fc_sleep_ms(latency + stall);
    r->fault = kind;
    if (kind == NULL || strcmp(kind, "stall") == 0)
        return 0;
    if (strcmp(kind, "truncate") == 0) {
        r->truncate = 1;
        return 0;
    }
    if (strcmp(kind, "reset") == 0) {
        r->reset = 1;
        return 1;
    }
    if ((strcmp(kind, "throttle") == 0 ? throttle(r, req->service)
                                       : server_error(r, req->service)) != 0)
        return -1;
    if (retry_after > 0 && (strcmp(kind, "throttle") == 0 || r->status == 503)) {
        snprintf(ra, sizeof(ra), "%ld", retry_after);
        fc_respond_header(r, "Retry-After", ra);
    }
    return 1;
}
