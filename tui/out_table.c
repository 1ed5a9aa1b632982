/* tui/out_table.c: value formats (times, durations, sizes, counts, sparklines) and the column
 * table of tui/out.h that fits a terminal width. Pure text building: never decides what data
 * means, never prints anything but the table it is given. */
#include "tui/out.h"

#include <stdlib.h>
#include <string.h>

#include "core/timeutil.h"

char *out_time(int64_t ms, char *out, size_t n)
{
    char t[TIME_RFC3339_LEN];

    if (ms <= 0) {
        snprintf(out, n, "-");
        return out;
    }
    time_format_local(ms, t, sizeof(t));
    t[10] = ' ';
    snprintf(out, n, "%.16s", t);
    return out;
}

char *out_duration(int64_t ms, char *out, size_t n)
{
    int64_t s = ms / 1000;

    if (ms < 0)
        snprintf(out, n, "-");
    else if (s < 60)
        snprintf(out, n, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(out, n, "%lldm%02llds", (long long)(s / 60), (long long)(s % 60));
    else if (s < 86400)
        snprintf(out, n, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        snprintf(out, n, "%lldd%02lldh", (long long)(s / 86400), (long long)(s % 86400 / 3600));
    return out;
}

char *out_bytes(int64_t bytes, char *out, size_t n)
{
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)bytes;
    size_t u = 0;

    if (bytes < 0) {
        snprintf(out, n, "-");
        return out;
    }
    while (v >= 1024 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        snprintf(out, n, "%lld B", (long long)bytes);
    else
        snprintf(out, n, "%.1f %s", v, unit[u]);
    return out;
}

char *out_count(int64_t v, char *out, size_t size)
{
    char digits[32];
    size_t len, o = 0;

    if (v < 0 || size == 0) {
        snprintf(out, size, "-");
        return out;
    }
    len = (size_t)snprintf(digits, sizeof(digits), "%lld", (long long)v);
    for (size_t i = 0; i < len && o + 1 < size; i++) {
        if (i > 0 && (len - i) % 3 == 0 && o + 2 < size)
            out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
    return out;
}

int out_sparkline(struct buf *b, const int64_t *v, size_t n, int width)
{
    static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                         "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ascii[] = " .:-=+*#";
    size_t from = width > 0 && n > (size_t)width ? n - (size_t)width : 0;
    int64_t lo = 0, hi = 0;
    bool u = out_utf8();
    int rc = 0;

    for (size_t i = from; i < n; i++) {
        if (i == from || v[i] < lo)
            lo = v[i];
        if (i == from || v[i] > hi)
            hi = v[i];
    }
    for (size_t i = from; i < n; i++) {
        int level = hi > lo ? (int)((double)(v[i] - lo) * 7.0 / (double)(hi - lo) + 0.5) : 3;
        rc |= u ? buf_puts(b, blocks[level]) : buf_putc(b, ascii[level]);
    }
    return rc != 0 ? -1 : 0;
}

void out_table_init(struct out_table *t, const struct out_col *cols, size_t ncols)
{
    memset(t, 0, sizeof(*t));
    t->cols = cols;
    t->ncols = ncols < OUT_MAX_COLS ? ncols : OUT_MAX_COLS;
}

void out_table_release(struct out_table *t)
{
    for (size_t i = 0; i < t->nrows * t->ncols; i++)
        free(t->cells[i]);
    free(t->cells);
    free(t->roles);
    memset(t, 0, sizeof(*t));
}

int out_table_add(struct out_table *t, const char *const *cells, const enum out_role *roles)
{
    if (t->nrows == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 32;
        char **c = realloc(t->cells, cap * t->ncols * sizeof(*c));
        if (c == NULL)
            return -1;
        t->cells = c;
        enum out_role *r = realloc(t->roles, cap * t->ncols * sizeof(*r));
        if (r == NULL)
            return -1;
        t->roles = r;
        t->cap = cap;
    }
    char **row = t->cells + t->nrows * t->ncols;
    for (size_t i = 0; i < t->ncols; i++) {
        row[i] = strdup(cells[i] != NULL ? cells[i] : "");
        t->roles[t->nrows * t->ncols + i] = roles != NULL ? roles[i] : ROLE_NONE;
        if (row[i] == NULL) {
            while (i > 0)
                free(row[--i]);
            return -1;
        }
    }
    t->nrows++;
    return 0;
}

/* Takes up to over columns from the columns (only the unlimited ones when only_unlimited),
 * right to left, never below their min. */
static void shrink(const struct out_table *t, int *w, int *total, int over, bool only_unlimited)
{
    for (size_t c = t->ncols; over > 0 && c-- > 0;) {
        if (w[c] == 0 || (only_unlimited && t->cols[c].max != 0))
            continue;
        int give = w[c] - t->cols[c].min;
        give = give > over ? over : give;
        if (give > 0) {
            w[c] -= give;
            *total -= give;
            over -= give;
        }
    }
}

/* Column widths for width columns in total (one space between columns); 0 = left out. */
static int layout(const struct out_table *t, int width, int w[OUT_MAX_COLS])
{
    int total = 0, shown = 0, dropped = 0, natural[OUT_MAX_COLS];

    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = out_width(t->cols[c].title);
        for (size_t r = 0; r < t->nrows; r++) {
            int cw = out_width(t->cells[r * t->ncols + c]);
            w[c] = cw > w[c] ? cw : w[c];
        }
        if (t->cols[c].max > 0 && w[c] > t->cols[c].max)
            w[c] = t->cols[c].max;
        if (w[c] < t->cols[c].min)
            w[c] = t->cols[c].min;
        natural[c] = w[c];
        total += w[c];
        shown++;
    }
    /* 1. unlimited columns (max 0) shrink toward min; 2. columns with a drop rank are left out,
     * highest rank first; 3. the rest shrink toward min, right to left. */
    shrink(t, w, &total, total + shown - 1 - width, true);
    while (total + shown - 1 > width) {
        size_t worst = t->ncols;
        for (size_t c = 0; c < t->ncols; c++)
            if (w[c] > 0 && t->cols[c].drop > 0 &&
                (worst == t->ncols || t->cols[c].drop > t->cols[worst].drop))
                worst = c;
        if (worst == t->ncols)
            break;
        total -= w[worst];
        w[worst] = 0;
        shown--;
        dropped++;
    }
    /* Dropping may have left room: give it back to the unlimited columns. */
    for (size_t c = 0; c < t->ncols && total + shown - 1 < width; c++) {
        if (w[c] > 0 && t->cols[c].max == 0 && w[c] < natural[c]) {
            int more = natural[c] - w[c], room = width - (total + shown - 1);
            more = more < room ? more : room;
            w[c] += more;
            total += more;
        }
    }
    shrink(t, w, &total, total + shown - 1 - width, false);
    return dropped; /* when still too wide, the lines wrap */
}

static int print_row(FILE *f, const struct out_table *t, const int *w, const char *const *cells,
                     const enum out_role *roles, bool color)
{
    struct buf b = BUF_INIT(1 << 20);
    size_t last = 0;
    int rc = 0;

    for (size_t c = 0; c < t->ncols; c++)
        if (w[c] > 0)
            last = c;
    for (size_t c = 0, first = 1; c < t->ncols; c++) {
        if (w[c] == 0)
            continue;
        if (!first)
            rc |= buf_putc(&b, ' ');
        first = 0;
        /* The last column is not padded: no trailing spaces. */
        if (c == last && t->cols[c].align == OUT_LEFT) {
            rc |= out_role_on(&b, roles[c], color);
            rc |= out_cut(&b, cells[c], w[c]);
            rc |= out_role_off(&b, roles[c], color);
        } else {
            rc |= out_fit_role(&b, cells[c], w[c], t->cols[c].align, roles[c], color);
        }
    }
    while (b.len > 0 && b.data[b.len - 1] == ' ')
        b.data[--b.len] = '\0';
    rc |= buf_putc(&b, '\n');
    if (rc == 0)
        fputs(buf_cstr(&b), f);
    buf_release(&b);
    return rc != 0 ? -1 : 0;
}

int out_table_print(FILE *f, const struct out_table *t, int width, bool color)
{
    int w[OUT_MAX_COLS];
    const char *titles[OUT_MAX_COLS];
    enum out_role head[OUT_MAX_COLS];
    int dropped = layout(t, width, w);

    for (size_t c = 0; c < t->ncols; c++) {
        titles[c] = t->cols[c].title;
        head[c] = ROLE_HEAD;
    }
    if (print_row(f, t, w, titles, head, color))
        return -1;
    for (size_t r = 0; r < t->nrows; r++)
        if (print_row(f, t, w, (const char *const *)t->cells + r * t->ncols,
                      t->roles + r * t->ncols, color))
            return -1;
    return dropped;
}
