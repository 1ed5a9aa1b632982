/* core/events.h: Amazon EventBridge (JSON 1.1) DescribeRule and ListTargetsByRule — request
 * builders and parsers — used to find the schedule that fires the export Lambda. The schedule
 * expression itself is read by core/schedule.h. Builds and reads only; the caller attaches the
 * SigV4 prepare and submits. */
#ifndef CORE_EVENTS_H
#define CORE_EVENTS_H

#include <stddef.h>

#include "core/err.h"
#include "core/http.h"

struct events_rule {
    char *name;
    char *arn;
    char *schedule; /* ScheduleExpression, NULL for an event-pattern rule */
    char *state;    /* ENABLED | DISABLED | ... (raw) */
    char *description;
    char *event_bus;
};

struct events_target {
    char *id;
    char *arn;   /* e.g. the Lambda function ARN */
    char *input; /* constant JSON input, NULL when absent */
};

struct events_targets {
    struct events_target *v;
    size_t n;
    char *next_token; /* "" on the last page */
};

void events_rule_release(struct events_rule *r);
void events_targets_release(struct events_targets *l);

/* POST {endpoint}/, X-Amz-Target AWSEvents.DescribeRule, Content-Type application/x-amz-json-1.1,
 * body {"Name": rule[, "EventBusName": bus]}. bus NULL = the default bus. */
int events_build_describe_rule(struct http_request *req, const char *endpoint, const char *rule,
                               const char *bus, struct err *e);
/* AWSEvents.ListTargetsByRule {"Rule", "EventBusName"?, "Limit"? (1..100), "NextToken"?}. */
int events_build_list_targets(struct http_request *req, const char *endpoint, const char *rule,
                              const char *bus, int limit, const char *next_token, struct err *e);

int events_parse_rule(struct events_rule *out, const char *body, size_t len, struct err *e);
int events_parse_targets(struct events_targets *out, const char *body, size_t len, struct err *e);

/* A non-2xx answer (JSON 1.1 __type / message) into e. Always -1. */
int events_error(struct err *e, const char *operation, long status, const struct http_headers *h,
                 const char *body, size_t len);

#endif
