/* tui/cmd_doctor.c: `pipetop doctor [--json]`: runs every check (tui/doctor_*.c) even when an
 * earlier one fails, prints one line per check (✓ ! ✗, or ASCII words outside a UTF-8 locale)
 * with the remedy under each failure or warning, and a summary; or the JSON report. Exit 0 when
 * nothing failed, else the exit code of the first failure's kind. Prints no secret. */
#include "tui/cmd.h"

#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tui/doctor.h"
#include "tui/exitcode.h"

static bool utf8_locale(void)
{
    const char *cs;

    setlocale(LC_CTYPE, "");
    cs = nl_langinfo(CODESET);
    return cs != NULL && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static void print_text(const struct checklist *l, bool utf8)
{
    static const char *const glyph_utf8[] = {"✓", "!", "✗"};
    static const char *const glyph_ascii[] = {"ok  ", "WARN", "FAIL"};
    const char *const *glyph = utf8 ? glyph_utf8 : glyph_ascii;
    size_t n[3];

    for (size_t i = 0; i < l->n; i++) {
        const struct check *c = &l->v[i];
        printf("%s %-18s %s\n", glyph[c->status], c->name, c->detail);
        if (c->status != CHECK_OK && c->remedy[0])
            printf("  %s %s\n", utf8 ? "→" : "->", c->remedy);
    }
    checklist_count(l, n);
    if (n[CHECK_FAIL] == 0)
        printf("doctor: all %zu checks passed", l->n);
    else
        printf("doctor: %zu of %zu checks failed", n[CHECK_FAIL], l->n);
    if (n[CHECK_WARN])
        printf(" (%zu warning%s)", n[CHECK_WARN], n[CHECK_WARN] == 1 ? "" : "s");
    printf("\n");
}

static int exit_code(const struct checklist *l)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].status == CHECK_FAIL)
            return exit_code_for(l->v[i].code != ERR_OK ? l->v[i].code : ERR_INTERNAL);
    return EXIT_OK;
}

int cmd_doctor(struct cli *cli, const struct cli_cmd *cmd, const struct cli_args *a)
{
    /* Short timeouts and three attempts: a stalled endpoint costs at most DOCTOR_DEADLINE_MS in
     * the concurrent part, and about 3 x 8 s for the token. */
    struct session_options so = {
        {cli->config_path, cli->db_path, cli->read_only}, 5000, 8000, 3, true};
    struct doctor d;
    struct err e = ERR_INIT;
    char *json = NULL;
    int rc;

    (void)cmd;
    (void)a;
    memset(&d, 0, sizeof(d));
    if (session_open(&d.s, &so, &e) != 0) {
        fprintf(stderr, "pipetop: %s\n", e.msg);
        return exit_code_for(e.code);
    }
    doctor_check_config(&d);
    doctor_check_files(&d);
    doctor_check_aws(&d);
    doctor_probe_sts(&d);
    doctor_check_google(&d);
    doctor_probe_google(&d);
    doctor_probes_finish(&d);
    rc = exit_code(&d.list);
    if (!cli->json) {
        print_text(&d.list, utf8_locale());
    } else if (checklist_to_json(&d.list, &json, &e) == 0) {
        printf("%s\n", json);
    } else {
        fprintf(stderr, "pipetop: %s\n", e.msg);
        rc = exit_code_for(e.code);
    }
    free(json);
    doctor_release(&d);
    session_close(d.s);
    return rc;
}
