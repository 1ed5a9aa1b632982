/* core/config_json.c: the resolved config as JSON (jansson) for `pipetop info --json`.
 * Only settings and paths: the config holds no secrets, so none can appear here. */
#include "core/config.h"

#include <jansson.h>
#include <string.h>

#include "core/jsonx.h"

struct json_walk {
    json_t *settings;  /* {"general": {...}, "aws": {...}, "gcp": {...}} */
    json_t *pipelines; /* [{"name", "settings"}] */
    json_t *current;   /* the settings object of the last pipeline */
    char last[160];
};

static json_t *setting(const char *value, const struct config_origin *o)
{
    char src[96];

    config_origin_str(o, src, sizeof(src));
    return json_pack("{s:s?,s:s}", "value", value, "source", src);
}

static int add(void *user, const char *section, const char *key, const char *value,
               const struct config_origin *o)
{
    struct json_walk *w = user;
    json_t *obj;

    if (strncmp(section, "pipeline ", 9) == 0) {
        if (strcmp(section, w->last) != 0) {
            w->current = json_object();
            if (w->current == NULL ||
                json_array_append_new(w->pipelines, json_pack("{s:s,s:O}", "name", section + 9,
                                                              "settings", w->current)) != 0) {
                json_decref(w->current);
                return -1;
            }
            json_decref(w->current); /* the array holds it */
            snprintf(w->last, sizeof(w->last), "%s", section);
        }
        obj = w->current;
    } else {
        obj = json_object_get(w->settings, section);
        if (obj == NULL) {
            obj = json_object();
            if (json_object_set_new(w->settings, section, obj) != 0)
                return -1;
        }
    }
    return json_object_set_new(obj, key, setting(value, o)) != 0 ? -1 : 0;
}

static const char *src_name(enum path_source s)
{
    return path_source_name(s);
}

int config_to_json(const struct config *c, char **out, struct err *e)
{
    struct json_walk w = {json_object(), json_array(), NULL, ""};
    json_t *root = NULL;

    *out = NULL;
    if (w.settings == NULL || w.pipelines == NULL || config_visit(c, add, &w) != 0)
        goto nomem;
    root =
        json_pack("{s:s,s:s,s:{s:s,s:b,s:s},s:{s:s,s:s},s:{s:s},s:O,s:O}", "version",
                  PIPETOP_VERSION, "revision", PIPETOP_REVISION, "config", "path", c->paths.config,
                  "exists", c->config_exists, "source", src_name(c->paths.config_source),
                  "database", "path", c->paths.db, "source", src_name(c->paths.db_source), "log",
                  "path", c->paths.log, "settings", w.settings, "pipelines", w.pipelines);
    if (root == NULL)
        goto nomem;
    *out = jsonx_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (*out == NULL)
        goto nomem;
    json_decref(root);
    json_decref(w.settings);
    json_decref(w.pipelines);
    return 0;
nomem:
    json_decref(root);
    json_decref(w.settings);
    json_decref(w.pipelines);
    return err_set(e, ERR_NOMEM, "out of memory writing the config as JSON");
}
