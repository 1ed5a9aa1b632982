/* core/events.c: EventBridge DescribeRule / ListTargetsByRule builders (JSON 1.1), their
 * `aws events` command lines, the answer parsers and the error reader. Never sends or signs. */
#include "core/events.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/apierr.h"
#include "core/jsonx.h"
#include "core/reqbuild.h"

#define EVENTS_JSON "application/x-amz-json-1.1"

void events_rule_release(struct events_rule *r)
{
    free(r->name);
    free(r->arn);
    free(r->schedule);
    free(r->state);
    free(r->description);
    free(r->event_bus);
    memset(r, 0, sizeof(*r));
}

static void target_release(void *p)
{
    struct events_target *t = p;
    free(t->id);
    free(t->arn);
    free(t->input);
}

void events_targets_release(struct events_targets *l)
{
    for (size_t i = 0; i < l->n; i++)
        target_release(&l->v[i]);
    free(l->v);
    free(l->next_token);
    memset(l, 0, sizeof(*l));
}

static int call(struct http_request *req, const char *op, const char *endpoint, json_t *body,
                struct buf *cmd, int big, struct err *e)
{
    char target[64];
    int rc;

    snprintf(target, sizeof(target), "AWSEvents.%s", op);
    if (big || reqbuild_aws_endpoint(cmd, endpoint) != 0)
        rc = reqbuild_toobig(e, op);
    else
        rc = reqbuild_aws_json(req, "events", op, endpoint, target, EVENTS_JSON, body, cmd, e);
    buf_release(cmd);
    json_decref(body);
    return rc;
}

int events_build_describe_rule(struct http_request *req, const char *endpoint, const char *rule,
                               const char *bus, struct err *e)
{
    struct buf cmd = BUF_INIT(REQBUILD_MAX);
    json_t *body;
    int big;

    memset(req, 0, sizeof(*req));
    if (rule == NULL || *rule == '\0')
        return err_set(e, ERR_USAGE, "events DescribeRule: a rule name is required");
    body = json_pack("{s:s}", "Name", rule);
    big = (body && bus && json_object_set_new(body, "EventBusName", json_string(bus))) ||
          buf_puts(&cmd, "aws events describe-rule") || reqbuild_opt(&cmd, "--name", rule) ||
          reqbuild_opt(&cmd, "--event-bus-name", bus);
    return call(req, "DescribeRule", endpoint, body, &cmd, big, e);
}

int events_build_list_targets(struct http_request *req, const char *endpoint, const char *rule,
                              const char *bus, int limit, const char *next_token, struct err *e)
{
    struct buf cmd = BUF_INIT(REQBUILD_MAX);
    const char *token = next_token && *next_token ? next_token : NULL;
    json_t *body;
    int big;

    memset(req, 0, sizeof(*req));
    if (rule == NULL || *rule == '\0')
        return err_set(e, ERR_USAGE, "events ListTargetsByRule: a rule name is required");
    if (limit < 0 || limit > 100)
        return err_set(e, ERR_USAGE, "events ListTargetsByRule: Limit must be 1..100, not %d",
                       limit);
    body = json_pack("{s:s}", "Rule", rule);
    big = (body && bus && json_object_set_new(body, "EventBusName", json_string(bus))) ||
          (body && limit > 0 && json_object_set_new(body, "Limit", json_integer(limit))) ||
          (body && token && json_object_set_new(body, "NextToken", json_string(token))) ||
          buf_puts(&cmd, "aws events list-targets-by-rule") || reqbuild_opt(&cmd, "--rule", rule) ||
          reqbuild_opt(&cmd, "--event-bus-name", bus) || reqbuild_opt(&cmd, "--next-token", token);
    return call(req, "ListTargetsByRule", endpoint, body, &cmd, big, e);
}

int events_parse_rule(struct events_rule *out, const char *body, size_t len, struct err *e)
{
    struct jloc at = {"events DescribeRule", ""};
    json_t *o;
    int rc;

    memset(out, 0, sizeof(*out));
    if (jsonx_load(&o, at.call, body, len, e) != 0)
        return -1;
    rc = jsonx_str(o, "Name", 1, &out->name, &at, e) || jsonx_str(o, "Arn", 0, &out->arn, &at, e) ||
         jsonx_str(o, "ScheduleExpression", 0, &out->schedule, &at, e) ||
         jsonx_str(o, "State", 0, &out->state, &at, e) ||
         jsonx_str(o, "Description", 0, &out->description, &at, e) ||
         jsonx_str(o, "EventBusName", 0, &out->event_bus, &at, e);
    if (rc)
        events_rule_release(out);
    json_decref(o);
    return rc ? -1 : 0;
}

static int read_target(void *item, const json_t *o, const struct jloc *at, struct err *e)
{
    struct events_target *t = item;
    return jsonx_str(o, "Id", 1, &t->id, at, e) || jsonx_str(o, "Arn", 1, &t->arn, at, e) ||
                   jsonx_str(o, "Input", 0, &t->input, at, e)
               ? -1
               : 0;
}

int events_parse_targets(struct events_targets *out, const char *body, size_t len, struct err *e)
{
    struct jloc at = {"events ListTargetsByRule", ""};
    json_t *o;
    void *v = NULL;
    int rc;

    memset(out, 0, sizeof(*out));
    if (jsonx_load(&o, at.call, body, len, e) != 0)
        return -1;
    rc =
        jsonx_page_token(o, "NextToken", &out->next_token, &at, e) ||
        jsonx_list(o, "Targets", sizeof(*out->v), read_target, target_release, &v, &out->n, &at, e);
    out->v = v;
    if (rc)
        events_targets_release(out);
    json_decref(o);
    return rc ? -1 : 0;
}

int events_error(struct err *e, const char *operation, long status, const struct http_headers *h,
                 const char *body, size_t len)
{
    char where[96];

    snprintf(where, sizeof(where), "events %s", operation);
    return apierr_aws_json(e, where, status, h, body, len);
}
