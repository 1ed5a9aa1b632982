/* tests/fakecloud/world_s3.c: the world's S3 — buckets, objects kept in creation order with a
 * treap over (bucket, key) for ordered listing and lookups in O(log n), replacement of a key,
 * and lazily generated bodies. Never touches disk. */
#include "tests/fakecloud/world.h"

#include <stdlib.h>
#include <string.h>

#include "tests/fakecloud/world_int.h"

long fw_bucket_find(const struct fw_world *w, const char *bucket)
{
    for (size_t i = 0; bucket && i < w->n_buckets; i++)
        if (strcmp(w->buckets[i], bucket) == 0)
            return (long)i;
    return -1;
}

static int object_cmp(const struct fw_s3_object *o, const char *bucket, const char *key)
{
    int c = strcmp(o->bucket, bucket);
    return c ? c : strcmp(o->key, key);
}

long fw_object_lower_bound(const struct fw_world *w, const char *bucket, const char *key)
{
    long n = w->oroot, best = -1;

    while (n >= 0) {
        if (object_cmp(&w->objects[n], bucket, key) >= 0) {
            best = n;
            n = w->onodes[n].left;
        } else {
            n = w->onodes[n].right;
        }
    }
    return best;
}

long fw_object_next(const struct fw_world *w, long i)
{
    long n;

    if (w->onodes[i].right >= 0) {
        for (n = w->onodes[i].right; w->onodes[n].left >= 0; n = w->onodes[n].left)
            ;
        return n;
    }
    for (n = w->onodes[i].parent; n >= 0 && w->onodes[n].right == i; n = w->onodes[n].parent)
        i = n;
    return n;
}

long fw_object_find(const struct fw_world *w, const char *bucket, const char *key)
{
    long i = fw_object_lower_bound(w, bucket, key);
    return (i >= 0 && object_cmp(&w->objects[i], bucket, key) == 0) ? i : -1;
}

/* ---- S3 objects ---- */

long fw_bucket_add(struct fw_world *w, const char *bucket)
{
    long i = fw_bucket_find(w, bucket);
    char **slot;

    if (i >= 0)
        return i;
    slot = FW_PUSH(w, buckets, n_buckets, FW_CAP_BUCKETS);
    if (slot == NULL || (*slot = strdup(bucket)) == NULL)
        return -1;
    return (long)w->n_buckets++;
}

void fw_object_release(struct fw_s3_object *o)
{
    free(o->bucket);
    free(o->key);
    free(o->body);
}

/* Rotates x above its parent, keeping parent links. */
static void rotate_up(struct fw_world *w, long x)
{
    struct fw_onode *t = w->onodes;
    long p = t[x].parent, g = t[p].parent;

    if (t[p].left == x) {
        t[p].left = t[x].right;
        if (t[x].right >= 0)
            t[t[x].right].parent = p;
        t[x].right = p;
    } else {
        t[p].right = t[x].left;
        if (t[x].left >= 0)
            t[t[x].left].parent = p;
        t[x].left = p;
    }
    t[p].parent = x;
    t[x].parent = g;
    if (g < 0)
        w->oroot = x;
    else if (t[g].left == p)
        t[g].left = x;
    else
        t[g].right = x;
}

static void treap_insert(struct fw_world *w, long x)
{
    struct fw_onode *t = w->onodes;
    long n = w->oroot, parent = -1;
    int left = 0;

    t[x].left = t[x].right = -1;
    t[x].prio = (uint32_t)fw_rand(w);
    while (n >= 0) {
        parent = n;
        left = object_cmp(&w->objects[x], w->objects[n].bucket, w->objects[n].key) < 0;
        n = left ? t[n].left : t[n].right;
    }
    t[x].parent = parent;
    if (parent < 0)
        w->oroot = x;
    else if (left)
        t[parent].left = x;
    else
        t[parent].right = x;
    while (t[x].parent >= 0 && t[t[x].parent].prio < t[x].prio)
        rotate_up(w, x);
}

long fw_object_add(struct fw_world *w, const char *bucket, const char *key, int64_t modified_ms,
                   enum fw_gen gen, size_t ref, int part)
{
    long at = fw_object_find(w, bucket, key);
    struct fw_s3_object o;
    size_t ocap;

    memset(&o, 0, sizeof(o));
    o.bucket = strdup(bucket);
    o.key = strdup(key);
    o.modified_ms = modified_ms;
    o.gen = gen;
    o.ref = ref;
    o.part = part;
    if (o.bucket == NULL || o.key == NULL || fw_bucket_add(w, bucket) < 0) {
        fw_object_release(&o);
        return -1;
    }
    if (at >= 0) { /* an overwrite keeps its place in the order */
        fw_object_release(&w->objects[at]);
        w->objects[at] = o;
        return at;
    }
    ocap = w->cap[FW_CAP_OBJECTS];
    if (FW_PUSH(w, objects, n_objects, FW_CAP_OBJECTS) == NULL) {
        fw_object_release(&o);
        return -1;
    }
    if (w->cap[FW_CAP_OBJECTS] != ocap || w->onodes == NULL) {
        struct fw_onode *nn = realloc(w->onodes, w->cap[FW_CAP_OBJECTS] * sizeof(*nn));
        if (nn == NULL) {
            fw_object_release(&o);
            return -1;
        }
        w->onodes = nn;
    }
    w->objects[w->n_objects] = o;
    treap_insert(w, (long)w->n_objects);
    return (long)w->n_objects++;
}

int fw_s3_body(struct fw_world *w, size_t obj, const unsigned char **data, size_t *len)
{
    struct fw_s3_object *o = &w->objects[obj];

    if (o->body == NULL && o->size == 0 && o->etag[0] == '\0' && fw_body_generate(w, o) != 0)
        return -1;
    *data = o->body ? o->body : (const unsigned char *)"";
    *len = o->size;
    return 0;
}
