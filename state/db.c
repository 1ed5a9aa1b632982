/* state/db.c: opening, creating (0700 directory, 0600 file), configuring and migrating the
 * history database, and its transactions. It must never write to a database whose schema is
 * newer than this build: that is checked on a read-only connection before anything else. */
#include "state/db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/migrations.h"
#include "state/sql.h"

#define DB_BUSY_TIMEOUT_MS 5000

int db_schema_known(void)
{
    return (int)migrations_count;
}

const char *db_path(const struct db *db)
{
    return db->path;
}

void db_set_call_retention(struct db *db, int64_t max_rows, int max_days)
{
    db->call_max_rows = max_rows < 0 ? 0 : max_rows;
    db->call_max_days = max_days < 0 ? 0 : max_days;
}

/* mkdir -p of the directory part of path, new directories mode 0700. */
static int db_mkdirs(const char *path, struct err *e)
{
    char *dir = strdup(path);
    char *slash;
    int rc = -1;

    if (dir == NULL)
        return err_set(e, ERR_NOMEM, "history database: out of memory");
    slash = strrchr(dir, '/');
    if (slash == NULL || slash == dir) {
        rc = 0;
        goto out;
    }
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            err_set(e, ERR_IO, "cannot create directory %s for the history database: %s", dir,
                    strerror(errno));
            goto out;
        }
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        err_set(e, ERR_IO, "cannot create directory %s for the history database: %s", dir,
                strerror(errno));
        goto out;
    }
    rc = 0;
out:
    free(dir);
    return rc;
}

/* Creates the file with mode 0600 before sqlite sees it (sqlite would use 0644 & ~umask). */
static int db_create_file(const char *path, struct err *e)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, ERR_IO, "cannot create the history database %s: %s", path,
                       strerror(errno));
    close(fd);
    return 0;
}

static int db_user_version(sqlite3 *h, int *out)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(h, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

int db_schema_version(struct db *db, int *out, struct err *e)
{
    if (db_user_version(db->h, out) != 0)
        return sql_fail(db, "reading the schema version", e);
    return 0;
}

static int db_refuse_newer(const char *path, int version, struct err *e)
{
    return err_set(e, ERR_DB,
                   "%s was written by a newer pipetop (schema %d, this build knows %d); upgrade "
                   "pipetop or use --db to point at another file",
                   path, version, db_schema_known());
}

/* "file:PATH?immutable=1" with the URI's special characters escaped. */
static char *db_immutable_uri(const char *path)
{
    size_t n = strlen(path);
    char *uri = malloc(3 * n + 32), *p;

    if (uri == NULL)
        return NULL;
    p = uri + snprintf(uri, 3 * n + 32, "file:");
    for (; *path; path++) {
        unsigned char c = (unsigned char)*path;
        if (c == '%' || c == '?' || c == '#' || c < 0x20)
            p += snprintf(p, 4, "%%%02X", c);
        else
            *p++ = (char)c;
    }
    snprintf(p, 16, "?immutable=1");
    return uri;
}

/* Reads user_version without changing anything on disk. Without a -wal file the main file is
 * the whole truth and is read as immutable (no -wal/-shm is created); with one, a read-only
 * connection reads through it. */
static int db_peek_version(const char *path, int *out, struct err *e)
{
    sqlite3 *h = NULL;
    char *wal = malloc(strlen(path) + 5), *uri = NULL;
    int rc = -1, has_wal;

    if (wal == NULL)
        return err_set(e, ERR_NOMEM, "history database: out of memory");
    snprintf(wal, strlen(path) + 5, "%s-wal", path);
    has_wal = access(wal, F_OK) == 0;
    free(wal);
    if (!has_wal && (uri = db_immutable_uri(path)) == NULL)
        return err_set(e, ERR_NOMEM, "history database: out of memory");
    if (sqlite3_open_v2(has_wal ? path : uri, &h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) !=
        SQLITE_OK) {
        err_set(e, ERR_DB, "cannot open the history database %s: %s", path,
                h ? sqlite3_errmsg(h) : "out of memory");
        goto out;
    }
    sqlite3_busy_timeout(h, DB_BUSY_TIMEOUT_MS);
    if (db_user_version(h, out) != 0) {
        err_set(e, ERR_DB, "cannot read the history database %s: %s (is it an SQLite file?)", path,
                sqlite3_errmsg(h));
        goto out;
    }
    rc = 0;
out:
    sqlite3_close(h);
    free(uri);
    return rc;
}

/* The journal mode now, or asked to become WAL: "wal" on success. -1 with sqlite's code. */
static int db_journal_mode(struct db *db, const char *sql, char *out, size_t n)
{
    sqlite3_stmt *st = NULL;
    int rc = -1;

    if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        snprintf(out, n, "%s", (const char *)sqlite3_column_text(st, 0));
        rc = 0;
    }
    sqlite3_finalize(st);
    return rc;
}

/* Switches a new file to WAL (once; the mode is persistent). Two processes opening a new file
 * at once can see the switch fail with BUSY or a transient I/O error while the other one is
 * making it, and the busy handler is not consulted for it: retry for up to the busy timeout. */
static int db_use_wal(struct db *db, struct err *e)
{
    char mode[16] = "";
    int64_t waited = 0;

    for (;;) {
        if (db_journal_mode(db, "PRAGMA journal_mode", mode, sizeof(mode)) == 0 &&
            strcmp(mode, "wal") == 0)
            return 0;
        if (db_journal_mode(db, "PRAGMA journal_mode = WAL", mode, sizeof(mode)) == 0 &&
            strcmp(mode, "wal") == 0)
            return 0;
        if (waited >= DB_BUSY_TIMEOUT_MS)
            break;
        usleep(20 * 1000);
        waited += 20;
    }
    if (*mode && strcmp(mode, "wal") != 0)
        return err_set(e, ERR_DB,
                       "history database %s: cannot switch to WAL (journal mode stays %s); is "
                       "it on a network file system?",
                       db->path, mode);
    return sql_fail(db, "switching to WAL", e);
}

static int db_configure(struct db *db, struct err *e)
{
    sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
    if (sql_exec(db, "PRAGMA foreign_keys = ON", "enabling foreign keys", e) != 0)
        return -1;
    if (db->flags & DB_READONLY)
        return 0;
    /* WAL: readers never block the writer. synchronous=NORMAL is safe against a crash of the
     * process (the WAL is fsynced at checkpoints); a power cut can lose the last refresh, which
     * the next refresh fetches again, but never corrupts the file. */
    /* cache_spill: a transaction keeps up to 16,000 changed pages (62 MB) in memory before
     * writing them to the WAL early; the clean cache stays at the default 2 MB. With the default
     * (spill at the cache size) SQLite spills the pages changed first, which are the hot index
     * pages of stage_runs, over and over: a 135,000-run transaction wrote 1.7 GB to the WAL for
     * a 35 MB database (make bench; BENCHMARKS.md), now 71 MB. A number whose low byte is 0
     * (16384) would switch spilling off altogether: SQLite reads it as a boolean too. */
    if (db_use_wal(db, e) != 0 ||
        sql_exec(db, "PRAGMA synchronous = NORMAL", "setting synchronous", e) != 0 ||
        sql_exec(db, "PRAGMA cache_spill = 16000", "setting the cache spill threshold", e) != 0)
        return -1;
    return 0;
}

static int db_check_version(struct db *db, struct err *e)
{
    int v;

    if (db_schema_version(db, &v, e) != 0)
        return -1;
    if (v > db_schema_known())
        return db_refuse_newer(db->path, v, e);
    if ((db->flags & DB_READONLY) && v < db_schema_known())
        return err_set(e, ERR_DB,
                       "history database %s is at schema %d and this build needs %d; run "
                       "`pipetop refresh` once to upgrade it",
                       db->path, v, db_schema_known());
    if (!(db->flags & (DB_READONLY | DB_NO_MIGRATE)))
        return db_migrate_to(db, db_schema_known(), e);
    return 0;
}

int db_open(struct db **out, const char *path, int flags, struct err *e)
{
    struct db *db = NULL;
    int exists, v;

    *out = NULL;
    if (path == NULL || *path == '\0')
        return err_set(e, ERR_USAGE, "no history database path given");
    exists = access(path, F_OK) == 0;
    if ((flags & DB_READONLY) && !exists)
        return err_set(e, ERR_NOT_FOUND,
                       "history database %s does not exist yet; run `pipetop refresh` first", path);
    if (exists) {
        if (db_peek_version(path, &v, e) != 0)
            return -1;
        if (v > db_schema_known())
            return db_refuse_newer(path, v, e);
    } else if (db_mkdirs(path, e) != 0 || db_create_file(path, e) != 0) {
        return -1;
    }

    db = calloc(1, sizeof(*db));
    if (db == NULL || (db->path = strdup(path)) == NULL) {
        free(db);
        return err_set(e, ERR_NOMEM, "history database: out of memory");
    }
    db->flags = flags;
    db->call_max_rows = 20000;
    db->call_max_days = 30;
    if (sqlite3_open_v2(path, &db->h,
                        (flags & DB_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
                        NULL) != SQLITE_OK) {
        err_set(e, ERR_DB, "cannot open the history database %s: %s", path,
                db->h ? sqlite3_errmsg(db->h) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(db->h, 1);
    if (db_configure(db, e) != 0 || db_check_version(db, e) != 0)
        goto fail;
    *out = db;
    return 0;
fail:
    db_close(db);
    return -1;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    if (db->h != NULL) {
        if (db->in_txn)
            db_rollback(db);
        sql_cache_clear(db);
        sqlite3_close(db->h);
    }
    free(db->path);
    free(db);
}

/* One step inside BEGIN IMMEDIATE: re-read the version under the write lock, since another
 * process may have migrated in the meantime. */
static int db_migrate_step(struct db *db, const struct migration *m, struct err *e)
{
    char pragma[64];
    int v;

    if (sql_exec(db, "BEGIN IMMEDIATE", "starting a schema migration", e) != 0)
        return -1;
    if (db_schema_version(db, &v, e) != 0)
        goto fail;
    if (v > db_schema_known()) {
        db_refuse_newer(db->path, v, e);
        goto fail;
    }
    if (v >= m->version) {
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
        return 0;
    }
    snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", m->version);
    if (sql_exec(db, m->sql, m->name, e) != 0 || sql_exec(db, pragma, m->name, e) != 0 ||
        sql_exec(db, "COMMIT", m->name, e) != 0)
        goto fail;
    return 0;
fail:
    sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    err_prefix(e, "migrating to schema %d (%s): ", m->version, m->name);
    return -1;
}

int db_migrate_to(struct db *db, int version, struct err *e)
{
    int cur;

    if (db->flags & DB_READONLY)
        return err_set(e, ERR_REFUSED, "history database %s is open read-only; cannot migrate",
                       db->path);
    if (version < 1 || version > db_schema_known())
        return err_set(e, ERR_INTERNAL, "no schema version %d (this build knows 1..%d)", version,
                       db_schema_known());
    if (db->in_txn)
        return err_set(e, ERR_INTERNAL, "cannot migrate inside a transaction");
    if (db_schema_version(db, &cur, e) != 0)
        return -1;
    if (cur > version)
        return err_set(e, ERR_REFUSED, "history database %s is at schema %d; cannot go back to %d",
                       db->path, cur, version);
    for (size_t i = 0; i < migrations_count; i++) {
        if (migrations[i].version > cur && migrations[i].version <= version &&
            db_migrate_step(db, &migrations[i], e) != 0)
            return -1;
    }
    return 0;
}

int db_begin(struct db *db, struct err *e)
{
    if (db->in_txn)
        return err_set(e, ERR_INTERNAL, "history database: a transaction is already open");
    if (sql_exec(db, "BEGIN IMMEDIATE", "starting a transaction", e) != 0)
        return -1;
    db->in_txn = 1;
    return 0;
}

int db_commit(struct db *db, struct err *e)
{
    if (!db->in_txn)
        return err_set(e, ERR_INTERNAL, "history database: commit without a transaction");
    if (sql_exec(db, "COMMIT", "committing", e) != 0) {
        db_rollback(db);
        return -1;
    }
    db->in_txn = 0;
    return 0;
}

void db_rollback(struct db *db)
{
    if (!sqlite3_get_autocommit(db->h))
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    db->in_txn = 0;
}
