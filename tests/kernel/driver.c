/*
 * Runs every function the C kernel exports over one real heap snapshot, the way the engine
 * calls them, and writes every output array to one file, so that a build for another platform
 * (run under an emulator) can be compared byte for byte with the engine's own results.
 *
 *   driver SNAPSHOT OUTPUT NODE_KINDS EDGE_KINDS WEAK_TYPE SHORTCUT_TYPE
 *
 * NODE_KINDS and EDGE_KINDS give the hs_parse_columns kind of each field, comma-separated, in
 * the order of snapshot.meta (tests/kernel/cross.py reads the meta with the engine); the node
 * kinds must hold one OFFSETS (edge_count), a U8 (type), a U32 (id) and a U64 (self_size), the edge kinds
 * one ORDINAL (to_node), a U8 (type) and a U32 (name_or_index). The members are found with the kernel's own
 * hs_skip_value; the arrays are parsed with hs_parse_columns, once more with
 * hs_parse_uint_array, and checked against each other.
 *
 * OUTPUT holds, in this order and in the machine's (little-endian) byte order: first_edge
 * (int64, N+1), edge_to (uint32, E), edge_type (uint8, E), self_size (uint64, N), distances
 * (int32, N), idom (uint32, N), the DFS order (uint32, N; past `reached` it stays 0), retained
 * (uint64, N), retainer_first (int64, N+1), retainer_edge (uint32, E), class_top_level (uint8,
 * N), nearest_marked (uint32, N), reach_past (uint8, N), the path tree's distance (int32, N),
 * parent (int64, N), parent_edge (int64, N) and owner (uint32, N), the path tree without
 * parents or a reachable mask: its distance (int32, N) and owner (uint32, N), nearest_marked_up
 * over the first tree's parents (int64, N), the names of weak edges and of shortcut edges
 * (uint8, one per name: the highest edge name + 1, then half as many), the id table (int32, its
 * slots), each id's node (int64, N) and whether each id + 1 is one too (uint8, N), the classes
 * by key (int32, one per key) and per node (int32, N), the ids modulo 4093 standing in for
 * names, and the locations in node order (node, script, line and column, uint32 each; none when
 * a node has two). The inputs the engine would derive (classes, marks, edge rules, seeds) are
 * simple functions of the columns, the same in cross.py. stdout gets one line: nodes, edges and
 * reached.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#define HS_IMPORT __declspec(dllimport)
#else
#define HS_IMPORT
#endif

/* The calling convention the declarations below are written for (HS_ABI_VERSION in _kernels.c). */
#define DRIVER_ABI_VERSION 9
HS_IMPORT int hs_abi_version(void);
HS_IMPORT int64_t hs_parse_uint_array(const char *buf, int64_t len, int64_t pos, void *out, int wide, int64_t cap,
                                      int64_t *end_pos);
HS_IMPORT int64_t hs_parse_columns(const char *buf, int64_t len, int64_t pos, int64_t rows, int64_t width,
                                   void **outs, const int *kinds, int64_t node_width, int64_t node_count,
                                   int release, int64_t *end_pos, int64_t *bad_column);
HS_IMPORT int64_t hs_locations_by_node(const uint32_t *rows, int64_t count, int64_t width, const int64_t *fields,
                                       int64_t node_width, int64_t node_count, int32_t *row_of, uint32_t *node,
                                       uint32_t *script, uint32_t *line, uint32_t *column);
HS_IMPORT int64_t hs_find_byte(const char *buf, int64_t len, int64_t pos, int byte);
HS_IMPORT int64_t hs_skip_value(const char *buf, int64_t len, int64_t pos);
HS_IMPORT int hs_check_graph(int64_t node_count, int64_t edge_count, const int64_t *first_edge,
                             const uint32_t *edge_to);
HS_IMPORT int hs_build_retainer_edges(int64_t node_count, int64_t edge_count, const int64_t *first_edge,
                                      const uint32_t *edge_to, int graph_checked, int64_t *retainer_first,
                                      uint32_t *retainer_edge);
HS_IMPORT int hs_distances(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                           const uint32_t *edge_to, int graph_checked, const uint8_t *edge_type, int weak_type,
                           int32_t *dist);
HS_IMPORT int64_t hs_dominators(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                                const uint32_t *edge_to, int graph_checked, const uint8_t *edge_type, int weak_type,
                                int shortcut_type, uint32_t *idom, uint32_t *order, const uint64_t *self_size,
                                uint64_t *retained);
HS_IMPORT int hs_class_top_level(int64_t node_count, int64_t root, const uint32_t *idom, const int32_t *classes,
                                 int64_t class_count, uint8_t *top_level);
HS_IMPORT int hs_nearest_marked(int64_t node_count, int64_t root, const uint32_t *order, int64_t order_count,
                                const uint32_t *idom, const uint8_t *marked, uint32_t *owner);
HS_IMPORT int hs_path_tree(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                           const uint32_t *edge_to, int graph_checked, const uint8_t *edge_type,
                           const uint32_t *edge_name, const uint8_t *node_type, const uint8_t *preferred_rule,
                           const uint8_t *any_rule, const uint8_t *edge_rank, int64_t edge_type_count,
                           const uint8_t *node_penalty, int64_t node_type_count, const uint8_t *bad_name,
                           int64_t name_count, const uint8_t *node_ok, const int64_t *first_seeds,
                           int64_t first_count, const int64_t *second_seeds, int64_t second_count,
                           const uint8_t *reachable, int64_t reachable_count, int32_t *distance,
                           int64_t *parent, int64_t parent_count, int64_t *parent_edge, int64_t parent_edge_count,
                           const uint8_t *marked, uint32_t *owner, int64_t owner_count);
HS_IMPORT int hs_edge_names_of_type(int64_t edge_count, const uint8_t *edge_type, const uint32_t *edge_name,
                                    int64_t type, int64_t name_count, uint8_t *present);
HS_IMPORT int hs_nearest_marked_up(int64_t node_count, int64_t root, const int64_t *parent, const uint8_t *marked,
                                   int64_t *owner);
HS_IMPORT int hs_reach_past(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                            const uint32_t *edge_to, int graph_checked, const uint8_t *edge_type, int weak_type,
                            int shortcut_type, const uint8_t *blocked, uint8_t *state);
HS_IMPORT int64_t hs_id_slots(int64_t count, const void *ids, int wide, int64_t bound, int64_t *others);
HS_IMPORT int hs_id_table(int64_t count, const void *ids, int wide, int64_t bound, int32_t *table, int64_t slots,
                          int64_t *other_nodes, int64_t other_count);
HS_IMPORT int64_t hs_lookup_ids(int64_t count, const void *ids, int wide, const int32_t *table, int64_t slots,
                                const uint64_t *other_ids, const int64_t *other_nodes, int64_t other_count,
                                void *out, int ordinals);
HS_IMPORT int64_t hs_class_index(int64_t node_count, const uint8_t *node_type, const uint32_t *node_name,
                                 int64_t type_count, const int64_t *type_key, int64_t key_count, int32_t *key_class,
                                 int32_t *class_index);

enum { SKIP = 0, U8 = 1, U32 = 2, U64 = 3, OFFSETS = 4, ORDINAL = 5 };

static int fail(const char *what) {
    fprintf(stderr, "driver: %s\n", what);
    return 1;
}

static void *zeroed(size_t count, size_t size) { return calloc(count ? count : 1, size); }

/* Up to 16 field kinds from "1,0,0,3,4". */
static int64_t read_kinds(const char *text, int *kinds) {
    int64_t width = 0;
    for (const char *p = text; *p && width < 16; p++) {
        if (*p == ',') continue;
        if (*p < '0' || *p > '5') return -1;
        kinds[width++] = *p - '0';
    }
    return width;
}

/* Offset of the value of top-level member `name`, or -1; walks members with hs_skip_value. */
static int64_t member(const char *buf, int64_t len, const char *name) {
    size_t name_len = strlen(name);
    int64_t pos = hs_find_byte(buf, len, 0, '{');
    if (pos < 0) return -1;
    pos++;
    for (;;) {
        int64_t key = hs_find_byte(buf, len, pos, '"');
        if (key < 0) return -1;
        int64_t key_end = hs_skip_value(buf, len, key);
        if (key_end < 0) return -1;
        int64_t colon = hs_find_byte(buf, len, key_end, ':');
        if (colon < 0) return -1;
        if ((size_t)(key_end - key - 2) == name_len && memcmp(buf + key + 1, name, name_len) == 0) return colon + 1;
        int64_t value_end = hs_skip_value(buf, len, colon + 1);
        if (value_end < 0) return -1;
        int64_t comma = hs_find_byte(buf, len, value_end, ',');
        if (comma < 0) return -1;
        pos = comma + 1;
    }
}

/* Counts the values of the integer array at pos: the row counts come from the data itself. */
static int64_t count_values(const char *buf, int64_t len, int64_t pos) {
    int64_t end = hs_skip_value(buf, len, pos);
    if (end < 0) return -1;
    int64_t count = 0, digits = 0;
    for (int64_t i = pos; i < end; i++) {
        int digit = buf[i] >= '0' && buf[i] <= '9';
        if (digit && !digits) count++;
        digits = digit;
    }
    return count;
}

static int write_all(FILE *out, const void *data, size_t size, size_t count) {
    return count == 0 || fwrite(data, size, count, out) == count;
}

int main(int argc, char **argv) {
    if (argc != 7) return fail("usage: driver SNAPSHOT OUTPUT NODE_KINDS EDGE_KINDS WEAK_TYPE SHORTCUT_TYPE");
    int node_kinds[16], edge_kinds[16];
    int64_t node_width = read_kinds(argv[3], node_kinds), edge_width = read_kinds(argv[4], edge_kinds);
    int weak_type = atoi(argv[5]), shortcut_type = atoi(argv[6]);
    if (node_width <= 0 || edge_width <= 0) return fail("bad field kinds");
    if (hs_abi_version() != DRIVER_ABI_VERSION) return fail("the kernel's calling convention is not the one here");

    FILE *file = fopen(argv[1], "rb");
    if (!file) return fail("cannot open the snapshot");
    if (fseek(file, 0, SEEK_END) != 0) return fail("cannot seek in the snapshot");
    long size = ftell(file);
    if (size <= 0 || fseek(file, 0, SEEK_SET) != 0) return fail("cannot size the snapshot");
    int64_t len = (int64_t)size;
    char *buf = (char *)malloc((size_t)len);
    if (!buf || fread(buf, 1, (size_t)len, file) != (size_t)len) return fail("cannot read the snapshot");
    fclose(file);

    int64_t nodes_pos = member(buf, len, "nodes"), edges_pos = member(buf, len, "edges");
    if (nodes_pos < 0 || edges_pos < 0) return fail("no nodes or edges member");
    int64_t node_values = count_values(buf, len, nodes_pos), edge_values = count_values(buf, len, edges_pos);
    if (node_values < 0 || edge_values < 0 || node_values % node_width || edge_values % edge_width)
        return fail("the nodes or edges array does not hold whole rows");
    int64_t n = node_values / node_width, e = edge_values / edge_width;
    if (n == 0) return fail("no nodes");

    /* The node columns, then the edge columns (edge targets as node ordinals). */
    void *node_outs[16] = {0}, *edge_outs[16] = {0};
    int64_t *first_edge = NULL;
    uint8_t *node_type = NULL, *edge_type = NULL;
    uint64_t *self_size = NULL;
    uint32_t *edge_to = NULL, *edge_name = NULL, *node_id = NULL;
    for (int64_t c = 0; c < node_width; c++) {
        switch (node_kinds[c]) {
        case U8: node_outs[c] = node_type = (uint8_t *)zeroed((size_t)n, 1); break;
        case U32: node_outs[c] = node_id = (uint32_t *)zeroed((size_t)n, 4); break;
        case U64: node_outs[c] = self_size = (uint64_t *)zeroed((size_t)n, 8); break;
        case OFFSETS: node_outs[c] = first_edge = (int64_t *)zeroed((size_t)n + 1, 8); break;
        case SKIP: break;
        default: return fail("node kinds other than SKIP, U8, U32, U64 and OFFSETS are not driven");
        }
    }
    for (int64_t c = 0; c < edge_width; c++) {
        switch (edge_kinds[c]) {
        case U8: edge_outs[c] = edge_type = (uint8_t *)zeroed((size_t)e, 1); break;
        case ORDINAL: edge_outs[c] = edge_to = (uint32_t *)zeroed((size_t)e, 4); break;
        case U32: edge_outs[c] = edge_name = (uint32_t *)zeroed((size_t)e, 4); break;
        case SKIP: break;
        default: return fail("edge kinds other than SKIP, U8, U32 and ORDINAL are not driven");
        }
    }
    if (!first_edge || !node_type || !node_id || !self_size || !edge_type || !edge_to || !edge_name)
        return fail("a needed column is missing");
    int64_t end = 0, bad = -1;
    if (hs_parse_columns(buf, len, nodes_pos, n, node_width, node_outs, node_kinds, 1, 0, 0, &end, &bad) !=
        node_values)
        return fail("hs_parse_columns refused the nodes");
    if (end != hs_skip_value(buf, len, nodes_pos)) return fail("hs_parse_columns ended the nodes elsewhere");
    if (hs_parse_columns(buf, len, edges_pos, e, edge_width, edge_outs, edge_kinds, node_width, n, 0, &end, &bad) !=
        edge_values)
        return fail("hs_parse_columns refused the edges");

    /* The whole nodes array as rows, wide: each column must agree with its row values. */
    uint64_t *rows = (uint64_t *)zeroed((size_t)node_values, 8);
    if (hs_parse_uint_array(buf, len, nodes_pos, rows, 1, node_values, &end) != node_values)
        return fail("hs_parse_uint_array refused the nodes");
    for (int64_t c = 0; c < node_width; c++) {
        for (int64_t i = 0; i < n; i++) {
            uint64_t value = rows[i * node_width + c];
            if ((node_kinds[c] == U8 && node_type[i] != value) || (node_kinds[c] == U64 && self_size[i] != value) ||
                (node_kinds[c] == U32 && node_id[i] != value) ||
                (node_kinds[c] == OFFSETS && (uint64_t)(first_edge[i + 1] - first_edge[i]) != value))
                return fail("hs_parse_uint_array and hs_parse_columns disagree");
        }
    }
    free(rows);
    if (first_edge[n] != e) return fail("the edge counts do not add up to the edges");

    /* Checked once here: the kernels below are told so (graph_checked), except the first retainer
       build, which checks again, and must give what the second one, told so, gives. */
    if (hs_check_graph(n, e, first_edge, edge_to) != 0) return fail("hs_check_graph refused the graph");
    int32_t *dist = (int32_t *)zeroed((size_t)n, 4);
    if (hs_distances(n, e, 0, first_edge, edge_to, 1, edge_type, weak_type, dist) != 0) return fail("hs_distances");
    uint32_t *idom = (uint32_t *)zeroed((size_t)n, 4), *order = (uint32_t *)zeroed((size_t)n, 4);
    uint64_t *retained = (uint64_t *)zeroed((size_t)n, 8);
    int64_t reached =
        hs_dominators(n, e, 0, first_edge, edge_to, 1, edge_type, weak_type, shortcut_type, idom, order, self_size, retained);
    if (reached <= 0) return fail("hs_dominators");
    int64_t *retainer_first = (int64_t *)zeroed((size_t)n + 1, 8), *again_first = (int64_t *)zeroed((size_t)n + 1, 8);
    uint32_t *retainer_edge = (uint32_t *)zeroed((size_t)e, 4), *again_edge = (uint32_t *)zeroed((size_t)e, 4);
    if (hs_build_retainer_edges(n, e, first_edge, edge_to, 0, retainer_first, retainer_edge) != 0 ||
        hs_build_retainer_edges(n, e, first_edge, edge_to, 1, again_first, again_edge) != 0)
        return fail("hs_build_retainer_edges");
    if (memcmp(retainer_first, again_first, sizeof(int64_t) * (size_t)(n + 1)) != 0 ||
        (e > 0 && memcmp(retainer_edge, again_edge, sizeof(uint32_t) * (size_t)e) != 0))
        return fail("hs_build_retainer_edges differs once told the graph was checked");

    /* Node types stand in for classes; the marked and blocked nodes are the larger ones. */
    int32_t *classes = (int32_t *)zeroed((size_t)n, 4);
    uint8_t *marked = (uint8_t *)zeroed((size_t)n, 1), *top_level = (uint8_t *)zeroed((size_t)n, 1);
    uint8_t *state = (uint8_t *)zeroed((size_t)n, 1);
    uint32_t *owner = (uint32_t *)zeroed((size_t)n, 4);
    for (int64_t i = 0; i < n; i++) {
        classes[i] = node_type[i];
        marked[i] = self_size[i] >= 64;
    }
    if (hs_class_top_level(n, 0, idom, classes, 256, top_level) != 0) return fail("hs_class_top_level");
    if (hs_nearest_marked(n, 0, order, reached, idom, marked, owner) != 0) return fail("hs_nearest_marked");
    if (hs_reach_past(n, e, 0, first_edge, edge_to, 1, edge_type, weak_type, shortcut_type, marked, state) != 0)
        return fail("hs_reach_past");

    /* The path tree from the root: its first phase from the root's even edges, its second from
       the odd ones; weak edges never followed, shortcuts unless their name is one of every fifth
       string, rank = edge type + node type % 3, every seventh node barred; the last phase over
       every edge type, from the nodes with a distance into the reachable ones (the first tree)
       or into any node (the second, which keeps no parents). Both find the marked nodes' owners,
       and nearest_marked_up finds them again from the first tree's parents. */
    uint8_t follow[256], any_follow[256], rank[256], penalty[256], bad_name[64];
    for (int t = 0; t < 256; t++) {
        follow[t] = t == weak_type ? 0 : t == shortcut_type ? 2 : 1;
        any_follow[t] = 1;
        rank[t] = (uint8_t)t;
        penalty[t] = (uint8_t)(t % 3);
    }
    for (int i = 0; i < 64; i++) bad_name[i] = i % 5 == 0;
    int64_t root_edges = first_edge[1] - first_edge[0], first_count = 0, second_count = 0;
    int64_t *first_seeds = (int64_t *)zeroed((size_t)root_edges, 8);
    int64_t *second_seeds = (int64_t *)zeroed((size_t)root_edges, 8);
    for (int64_t k = 0; k < root_edges; k++) {
        if (k % 2 == 0) first_seeds[first_count++] = first_edge[0] + k;
        else second_seeds[second_count++] = first_edge[0] + k;
    }
    uint8_t *node_ok = (uint8_t *)zeroed((size_t)n, 1), *reachable = (uint8_t *)zeroed((size_t)n, 1);
    for (int64_t i = 0; i < n; i++) {
        node_ok[i] = i % 7 != 3;
        reachable[i] = dist[i] >= 0;
    }
    int32_t *tree_distance = (int32_t *)zeroed((size_t)n, 4), *alone_distance = (int32_t *)zeroed((size_t)n, 4);
    int64_t *tree_parent = (int64_t *)zeroed((size_t)n, 8), *tree_edge = (int64_t *)zeroed((size_t)n, 8);
    uint32_t *tree_owner = (uint32_t *)zeroed((size_t)n, 4), *alone_owner = (uint32_t *)zeroed((size_t)n, 4);
    int64_t *up_owner = (int64_t *)zeroed((size_t)n, 8);
    if (hs_path_tree(n, e, 0, first_edge, edge_to, 1, edge_type, edge_name, node_type, follow, any_follow, rank, 256,
                     penalty, 256, bad_name, 64, node_ok, first_seeds, first_count, second_seeds, second_count,
                     reachable, n, tree_distance, tree_parent, n, tree_edge, n, marked, tree_owner, n) != 0 ||
        hs_path_tree(n, e, 0, first_edge, edge_to, 1, edge_type, edge_name, node_type, follow, any_follow, rank, 256,
                     penalty, 256, bad_name, 64, node_ok, first_seeds, first_count, second_seeds, second_count,
                     NULL, 0, alone_distance, NULL, 0, NULL, 0, marked, alone_owner, n) != 0)
        return fail("hs_path_tree");
    if (hs_nearest_marked_up(n, 0, tree_parent, marked, up_owner) != 0) return fail("hs_nearest_marked_up");

    /* The names that edges of the weak and of the shortcut type carry: every name below the highest
       + 1, then below half of that (the names past the count are left out). */
    uint32_t highest_name = 0;
    for (int64_t k = 0; k < e; k++) highest_name = edge_name[k] > highest_name ? edge_name[k] : highest_name;
    int64_t weak_names = (int64_t)highest_name + 1, shortcut_names = weak_names / 2;
    uint8_t *weak_named = (uint8_t *)zeroed((size_t)weak_names, 1);
    uint8_t *shortcut_named = (uint8_t *)zeroed((size_t)shortcut_names, 1);
    if (hs_edge_names_of_type(e, edge_type, edge_name, weak_type, weak_names, weak_named) != 0 ||
        hs_edge_names_of_type(e, edge_type, edge_name, shortcut_type, shortcut_names, shortcut_named) != 0)
        return fail("hs_edge_names_of_type");

    /* The id lookup over the node ids, with the engine's bound; the ids left aside sorted (stably,
       by insertion: they are few), every id looked up to its node and every id + 1 to a flag. */
    int64_t bound = 16 * n + 65536, others = 0;
    bound = bound < ((int64_t)1 << 31) ? bound : ((int64_t)1 << 31);
    int64_t slots = hs_id_slots(n, node_id, 0, bound, &others);
    if (slots < 0) return fail("hs_id_slots");
    int32_t *id_table = (int32_t *)zeroed((size_t)slots, 4);
    int64_t *other_nodes = (int64_t *)zeroed((size_t)others, 8);
    uint64_t *other_ids = (uint64_t *)zeroed((size_t)others, 8);
    if (hs_id_table(n, node_id, 0, bound, id_table, slots, other_nodes, others) != 0) return fail("hs_id_table");
    for (int64_t i = 0; i < others; i++) {
        int64_t node = other_nodes[i], k = i;
        for (; k > 0 && other_ids[k - 1] > node_id[node]; k--) {
            other_ids[k] = other_ids[k - 1];
            other_nodes[k] = other_nodes[k - 1];
        }
        other_ids[k] = node_id[node];
        other_nodes[k] = node;
    }
    int64_t *id_node = (int64_t *)zeroed((size_t)n, 8);
    uint32_t *next_id = (uint32_t *)zeroed((size_t)n, 4);
    uint8_t *next_found = (uint8_t *)zeroed((size_t)n, 1);
    for (int64_t i = 0; i < n; i++) next_id[i] = node_id[i] + 1;
    if (hs_lookup_ids(n, node_id, 0, id_table, slots, other_ids, other_nodes, others, id_node, 1) < 0 ||
        hs_lookup_ids(n, next_id, 0, id_table, slots, other_ids, other_nodes, others, next_found, 0) < 0)
        return fail("hs_lookup_ids");

    /* Classes: odd types grouped by the node's id modulo a prime (standing in for its name: the
       ids of Node 20's native nodes run into the billions), even ones by type. */
    enum { NAMES = 4093 };
    uint32_t *id_name = (uint32_t *)zeroed((size_t)n, 4);
    for (int64_t i = 0; i < n; i++) id_name[i] = node_id[i] % NAMES;
    int64_t type_key[256], key_count = NAMES + 256;
    for (int t = 0; t < 256; t++) type_key[t] = t % 2 ? -1 : NAMES + t;
    int32_t *key_class = (int32_t *)zeroed((size_t)key_count, 4), *node_class = (int32_t *)zeroed((size_t)n, 4);
    if (hs_class_index(n, node_type, id_name, 256, type_key, key_count, key_class, node_class) <= 0)
        return fail("hs_class_index");

    /* The locations (rows of object_index, script_id, line, column) in node order; none written
       when the kernel leaves them to the caller (a node named twice). */
    int64_t locations_pos = member(buf, len, "locations");
    int64_t location_values = locations_pos < 0 ? 0 : count_values(buf, len, locations_pos);
    if (location_values < 0 || location_values % 4) return fail("the locations do not hold whole rows");
    int64_t locations = location_values / 4, located = 0;
    uint32_t *location_rows = (uint32_t *)zeroed((size_t)location_values, 4);
    uint32_t *location_columns[4];
    for (int k = 0; k < 4; k++) location_columns[k] = (uint32_t *)zeroed((size_t)locations, 4);
    int32_t *row_of = (int32_t *)zeroed((size_t)n, 4);
    const int64_t location_fields[4] = {0, 1, 2, 3};
    if (locations > 0) {
        if (hs_parse_uint_array(buf, len, locations_pos, location_rows, 0, location_values, &end) != location_values)
            return fail("hs_parse_uint_array refused the locations");
        int64_t sorted = hs_locations_by_node(location_rows, locations, 4, location_fields, node_width, n, row_of,
                                              location_columns[0], location_columns[1], location_columns[2],
                                              location_columns[3]);
        if (sorted != 0 && sorted != -10) return fail("hs_locations_by_node");
        located = sorted == 0 ? locations : 0;
    }

    FILE *out = fopen(argv[2], "wb");
    if (!out) return fail("cannot write the output");
    int written = write_all(out, first_edge, 8, (size_t)n + 1) && write_all(out, edge_to, 4, (size_t)e) &&
                  write_all(out, edge_type, 1, (size_t)e) && write_all(out, self_size, 8, (size_t)n) &&
                  write_all(out, dist, 4, (size_t)n) && write_all(out, idom, 4, (size_t)n) &&
                  write_all(out, order, 4, (size_t)n) && write_all(out, retained, 8, (size_t)n) &&
                  write_all(out, retainer_first, 8, (size_t)n + 1) && write_all(out, retainer_edge, 4, (size_t)e) &&
                  write_all(out, top_level, 1, (size_t)n) && write_all(out, owner, 4, (size_t)n) &&
                  write_all(out, state, 1, (size_t)n) && write_all(out, tree_distance, 4, (size_t)n) &&
                  write_all(out, tree_parent, 8, (size_t)n) && write_all(out, tree_edge, 8, (size_t)n) &&
                  write_all(out, tree_owner, 4, (size_t)n) && write_all(out, alone_distance, 4, (size_t)n) &&
                  write_all(out, alone_owner, 4, (size_t)n) && write_all(out, up_owner, 8, (size_t)n) &&
                  write_all(out, weak_named, 1, (size_t)weak_names) &&
                  write_all(out, shortcut_named, 1, (size_t)shortcut_names) &&
                  write_all(out, id_table, 4, (size_t)slots) &&
                  write_all(out, id_node, 8, (size_t)n) && write_all(out, next_found, 1, (size_t)n) &&
                  write_all(out, key_class, 4, (size_t)key_count) && write_all(out, node_class, 4, (size_t)n) &&
                  write_all(out, location_columns[0], 4, (size_t)located) &&
                  write_all(out, location_columns[1], 4, (size_t)located) &&
                  write_all(out, location_columns[2], 4, (size_t)located) &&
                  write_all(out, location_columns[3], 4, (size_t)located);
    if (fclose(out) != 0 || !written) return fail("cannot write the output");
    printf("%lld nodes, %lld edges, %lld reached\n", (long long)n, (long long)e, (long long)reached);
    return 0;
}
