/* core/infer_num.c: the shape of DynamoDB number strings (sign, digits, point, exponent) for the
 * flat type choice — integer or not, within INT64, integer and fraction digits. Never converts
 * through a double: DynamoDB numbers carry up to 38 significant digits. */
#include "core/infer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int infer_num_add(struct infer_num *num, const char *s, struct err *e);

/* Splits s into significant digits and an exponent: value = digits * 10^exp. */
static int num_parse(const char *s, char *digits, size_t cap, long *exp, bool *neg)
{
    const char *p = s;
    size_t nd = 0;
    long frac = 0;
    bool point = false, any = false;

    *neg = false;
    *exp = 0;
    if (*p == '-' || *p == '+')
        *neg = *p++ == '-';
    for (; *p; p++) {
        if (*p == '.' && !point) {
            point = true;
        } else if (*p >= '0' && *p <= '9') {
            any = true;
            if (nd == 0 && *p == '0') { /* leading zeros carry no digits */
                if (point)
                    frac++;
                continue;
            }
            if (nd + 1 >= cap)
                return -1;
            digits[nd++] = *p;
            if (point)
                frac++;
        } else {
            break;
        }
    }
    if (!any)
        return -1;
    if (*p == 'e' || *p == 'E') {
        char *end;
        errno = 0;
        long x = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end != '\0' || errno != 0 || x > 100000 || x < -100000)
            return -1;
        *exp = x;
    } else if (*p != '\0') {
        return -1;
    }
    digits[nd] = '\0';
    *exp -= frac;
    while (nd > 0 && digits[nd - 1] == '0') { /* trailing zeros into the exponent */
        digits[--nd] = '\0';
        (*exp)++;
    }
    if (nd == 0) /* zero, whatever its exponent ("0E+99999"): no digits to scale */
        *exp = 0;
    return 0;
}

int infer_num_add(struct infer_num *num, const char *s, struct err *e)
{
    char digits[128];
    long exp;
    bool neg;
    int int_digits, scale;

    if (num_parse(s, digits, sizeof(digits), &exp, &neg) != 0)
        return err_set(e, ERR_PARSE, "\"%.60s\" is not a number", s);
    if (num->count == 0) {
        num->all_int = true;
        num->all_int64 = true;
    }
    num->count++;
    long nd = (long)strlen(digits);
    if (nd == 0) { /* zero */
        int_digits = 1;
        scale = 0;
    } else {
        long id = nd + exp;
        int_digits = id > 0 ? (int)(id > 100000 ? 100000 : id) : 1;
        scale = exp < 0 ? (int)(-exp > 100000 ? 100000 : -exp) : 0;
    }
    if (int_digits > num->max_int_digits)
        num->max_int_digits = int_digits;
    if (scale > num->max_scale)
        num->max_scale = scale;
    if (scale > 0) {
        num->all_int = false;
        num->all_int64 = false;
        return 0;
    }
    if (!num->all_int64)
        return 0;
    if (int_digits > 19) {
        num->all_int64 = false;
        return 0;
    }
    char buf[32];
    size_t n = (size_t)nd;
    memcpy(buf + 1, digits, n);
    for (long i = 0; i < exp; i++)
        buf[1 + n++] = '0';
    if (nd == 0)
        buf[1 + n++] = '0';
    buf[0] = '-';
    buf[1 + n] = '\0';
    errno = 0;
    long long v = strtoll(neg ? buf : buf + 1, NULL, 10);
    if (errno == ERANGE) {
        num->all_int64 = false;
        return 0;
    }
    if (num->count == 1 || v < num->min)
        num->min = v;
    if (num->count == 1 || v > num->max)
        num->max = v;
    return 0;
}
