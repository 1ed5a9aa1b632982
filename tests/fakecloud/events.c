/* tests/fakecloud/events.c: EventBridge DescribeRule and ListTargetsByRule (JSON 1.1) for the
 * rule that fires the export Lambda: its cron() schedule in UTC, state and target with Input.
 * Unknown rules get ResourceNotFoundException; bad input gets ValidationException. */
#include "tests/fakecloud/aws.h"

#include <stdio.h>
#include <string.h>

static int rule_arg(json_t *in, const char *key, const char *wire, const char **out,
                    struct fc_response *r)
{
    json_t *v = json_object_get(in, key);

    *out = json_string_value(v);
    if (v != NULL && !json_is_string(v)) {
        aws_error(r, "events", 400, "SerializationException",
                  "Start of structure or map found where not expected (member %s).", key);
        return -1;
    }
    if (*out == NULL) {
        aws_error(r, "events", 400, "ValidationException",
                  "1 validation error detected: Value null at '%s' failed to satisfy "
                  "constraint: Member must not be null",
                  wire);
        return -1;
    }
    return 0;
}

static int bus_ok(json_t *in, struct fc_response *r, const char *rule)
{
    const char *bus = json_string_value(json_object_get(in, "EventBusName"));

    if (bus && strcmp(bus, "default") != 0 && strstr(bus, ":event-bus/default") == NULL) {
        aws_error(r, "events", 400, "ResourceNotFoundException",
                  "Rule %s does not exist on EventBus %s.", rule, bus);
        return 0;
    }
    return 1;
}

int events_describe_rule(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    json_t *in;
    const char *name;
    long i;

    if (aws_begin(&c, fc, req, r, "events"))
        return 0;
    if ((in = aws_json_body(req, r, "events")) != NULL &&
        rule_arg(in, "Name", "name", &name, r) == 0 && bus_ok(in, r, name)) {
        if ((i = fw_rule_find(c.w, name)) < 0) {
            aws_error(r, "events", 400, "ResourceNotFoundException",
                      "Rule %s does not exist on EventBus default.", name);
        } else {
            const struct fw_rule *ru = &c.w->rules[i];
            aws_json_ok(r, "events",
                        json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "Name", ru->name, "Arn", ru->arn,
                                  "ScheduleExpression", ru->schedule, "State", ru->state,
                                  "Description", ru->description, "EventBusName", "default",
                                  "CreatedBy", c.w->account_id));
        }
    }
    json_decref(in);
    aws_end(&c);
    return 0;
}

int events_list_targets(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    json_t *in, *lim, *out;
    const char *name, *next;
    size_t start = 0;
    long i, limit = 100;

    if (aws_begin(&c, fc, req, r, "events"))
        return 0;
    if ((in = aws_json_body(req, r, "events")) == NULL ||
        rule_arg(in, "Rule", "rule", &name, r) != 0 || !bus_ok(in, r, name))
        goto done;
    lim = json_object_get(in, "Limit");
    next = json_string_value(json_object_get(in, "NextToken"));
    if (lim &&
        (!json_is_integer(lim) || json_integer_value(lim) < 1 || json_integer_value(lim) > 100)) {
        aws_error(r, "events", 400, "ValidationException",
                  "1 validation error detected: Value at 'limit' failed to satisfy constraint: "
                  "Member must have value between 1 and 100");
        goto done;
    }
    if (lim)
        limit = (long)json_integer_value(lim);
    if (next && fw_token_parse(next, "events.ListTargetsByRule", &start) != 0) {
        aws_error(r, "events", 400, "ValidationException", "The NextToken is invalid.");
        goto done;
    }
    if ((i = fw_rule_find(c.w, name)) < 0) {
        aws_error(r, "events", 400, "ResourceNotFoundException",
                  "Rule %s does not exist on EventBus default.", name);
        goto done;
    }
    {
        const struct fw_rule *ru = &c.w->rules[i];
        json_t *targets = json_array();
        /* one target per rule in this world; paging still follows the requested size */
        if (start == 0 && fw_page(c.w, (size_t)limit) >= 1)
            json_array_append_new(targets, json_pack("{s:s,s:s,s:s}", "Id", ru->target_id, "Arn",
                                                     ru->target_arn, "Input", ru->input));
        out = json_pack("{s:o}", "Targets", targets);
        aws_json_ok(r, "events", out);
    }
done:
    json_decref(in);
    aws_end(&c);
    return 0;
}
