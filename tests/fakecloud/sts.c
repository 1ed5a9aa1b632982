/* tests/fakecloud/sts.c: STS GetCallerIdentity and AssumeRole (Query protocol, XML answers in
 * the 2011-06-15 namespace). AssumeRole issues a real temporary key (ASIA..., session token,
 * Expiration) that the fake then accepts until it expires; unknown roles get AccessDenied.
 * The issued secret appears only in the AssumeRole answer, as with the real service. */
#include "tests/fakecloud/aws.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sts_get_caller_identity(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    struct buf b = BUF_INIT(65536);
    int rc;

    if (aws_begin(&c, fc, req, r, "sts"))
        return 0;
    aws_xml_text(&b, "Arn", c.w->keys[c.key].arn);
    aws_xml_text(&b, "UserId", c.w->keys[c.key].user_id);
    aws_xml_text(&b, "Account", c.w->account_id);
    rc = aws_query_ok(r, "sts", "GetCallerIdentity", &b);
    aws_end(&c);
    buf_release(&b);
    return rc;
}

static int valid_session_name(const char *s)
{
    size_t n = strlen(s);

    if (n < 2 || n > 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              strchr("_+=,.@-", *s)))
            return 0;
    return 1;
}

int sts_assume_role(struct fakecloud *fc, struct fc_request *req, struct fc_response *r)
{
    struct aws_call c;
    struct buf b = BUF_INIT(65536);
    struct fw_error e;
    char *role = aws_param(req, "RoleArn"), *name = aws_param(req, "RoleSessionName");
    char *dur = aws_param(req, "DurationSeconds"), *end = NULL;
    long duration = dur ? strtol(dur, &end, 10) : 3600, k;
    int rc = 0;

    if (aws_begin(&c, fc, req, r, "sts"))
        goto out;
    if (role == NULL || name == NULL) {
        rc = aws_error(r, "sts", 400, "ValidationError",
                       "1 validation error detected: Value null at '%s' failed to satisfy "
                       "constraint: Member must not be null",
                       role == NULL ? "roleArn" : "roleSessionName");
    } else if (!valid_session_name(name)) {
        rc = aws_error(r, "sts", 400, "ValidationError",
                       "1 validation error detected: Value '%s' at 'roleSessionName' failed to "
                       "satisfy constraint: Member must have length between 2 and 64 and match "
                       "[\\w+=,.@-]*",
                       name);
    } else if (dur && (end == dur || *end || duration < 900 || duration > 43200)) {
        rc = aws_error(r, "sts", 400, "ValidationError",
                       "1 validation error detected: Value '%s' at 'durationSeconds' failed to "
                       "satisfy constraint: Member must have value between 900 and 43200",
                       dur);
    } else if ((k = fw_sts_assume(c.w, role, name, duration, (size_t)c.key, c.now, &e)) < 0) {
        rc = aws_fw_error(r, "sts", &e);
    } else {
        const struct fw_key *key = &c.w->keys[k];
        buf_puts(&b, "<Credentials>");
        aws_xml_text(&b, "AccessKeyId", key->access_key_id);
        aws_xml_text(&b, "SecretAccessKey", key->secret_access_key);
        aws_xml_text(&b, "SessionToken", key->session_token);
        aws_xml_time(&b, "Expiration", key->expires_ms);
        buf_puts(&b, "</Credentials><AssumedRoleUser>");
        aws_xml_text(&b, "AssumedRoleId", key->user_id);
        aws_xml_text(&b, "Arn", key->arn);
        buf_puts(&b, "</AssumedRoleUser>");
        aws_xml_long(&b, "PackedPolicySize", 0);
        rc = aws_query_ok(r, "sts", "AssumeRole", &b);
    }
    aws_end(&c);
out:
    free(role);
    free(name);
    free(dur);
    buf_release(&b);
    return rc;
}
