/*
 * Compiled kernels for the heap snapshot engine.
 *
 * Why C: the parts below are inherently sequential (a JSON number scan, a DFS,
 * semi-NCA dominators, a BFS) and run over tens of millions of
 * nodes and edges; numpy cannot vectorise them and a Python loop is ~100x too slow.
 * The functions take raw pointers to numpy buffers and are called through ctypes,
 * so the module needs no numpy headers to build; PyInit exists only so that the
 * shared object is a normal, importable extension that setuptools knows how to build.
 */
#ifdef HS_KERNEL_ONLY
/* The kernels alone, as a plain shared library without the module stub (how the Windows build
   is checked with MinGW); the POSIX calls then need their feature macro under -std=c99. */
#define _DEFAULT_SOURCE
#else
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#endif
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "_platform.h"

/*
 * The version of the calling convention below: _native.py refuses, at import, a compiled kernel
 * whose version differs from its own HS_ABI_VERSION, so a shared object built from an older
 * source is never called with arguments it reads differently. Add one whenever an exported
 * function's name, parameters or results change.
 */
#define HS_ABI_VERSION 9

HS_EXPORT int hs_abi_version(void) { return HS_ABI_VERSION; }

/* ---------------------------------------------------------------- parsing */

static int is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

/*
 * Parse a JSON array of non-negative integers starting at buf[pos] == '['.
 * Writes at most `cap` values into `out` (uint64 when `wide`, else uint32: most
 * snapshots fit, and half the memory matters at 600 MB) and returns the number parsed,
 * or a negative error code:
 *   -1: no '[' at pos, -2: unexpected character (its offset in *end_pos),
 *   -3: more than cap values, -4: input ended before ']', -5: value too large
 *   (for uint32: the caller retries wide).
 * On success *end_pos is the offset just past the closing ']'.
 */
HS_EXPORT int64_t hs_parse_uint_array(const char *buf, int64_t len, int64_t pos, void *out, int wide, int64_t cap,
                                      int64_t *end_pos) {
    uint32_t *out32 = (uint32_t *)out;
    uint64_t *out64 = (uint64_t *)out;
    int64_t n = 0;
    while (pos < len && is_space(buf[pos])) pos++;
    if (pos >= len || buf[pos] != '[') { *end_pos = pos; return -1; }
    pos++;
    for (;;) {
        while (pos < len && is_space(buf[pos])) pos++;
        if (pos >= len) { *end_pos = pos; return -4; }
        char c = buf[pos];
        if (c == ']') { *end_pos = pos + 1; return n; }
        if (c < '0' || c > '9') { *end_pos = pos; return -2; }
        uint64_t v = 0;
        int digits = 0;
        while (pos < len && buf[pos] >= '0' && buf[pos] <= '9') {
            v = v * 10 + (uint64_t)(buf[pos] - '0');
            pos++;
            if (++digits > 19) { *end_pos = pos; return -5; }
        }
        /* V8 always writes integers; a fraction or exponent means a foreign writer. */
        if (pos < len && (buf[pos] == '.' || buf[pos] == 'e' || buf[pos] == 'E')) { *end_pos = pos; return -2; }
        if (n >= cap) { *end_pos = pos; return -3; }
        if (wide) {
            out64[n++] = v;
        } else {
            if (v > 0xFFFFFFFFull) { *end_pos = pos; return -5; }
            out32[n++] = (uint32_t)v;
        }
        while (pos < len && is_space(buf[pos])) pos++;
        if (pos >= len) { *end_pos = pos; return -4; }
        if (buf[pos] == ',') { pos++; continue; }
        if (buf[pos] == ']') { *end_pos = pos + 1; return n; }
        *end_pos = pos;
        return -2;
    }
}

/*
 * Column kinds for hs_parse_columns: what to do with the values of one field.
 * SKIP drops them; U8/U32/U64 store them at that width; OFFSETS turns a per-row count
 * into CSR offsets (int64, rows + 1 of them, out[0] = 0); ORDINAL divides a byte-like
 * offset into the nodes array by the node width and checks it lands on a node.
 */
enum { HS_SKIP = 0, HS_U8 = 1, HS_U32 = 2, HS_U64 = 3, HS_OFFSETS = 4, HS_ORDINAL = 5 };

/*
 * Parse a JSON array of `rows` x `width` non-negative integers at buf[pos] == '['
 * straight into one output column per field, so the interleaved rows never exist in
 * memory (at 600 MB that saves the whole nodes and edges arrays and their copies).
 *
 * The array ends at the first ']' where a value or separator may stand. The text is read
 * once, front to back, every read bounded by the end of the buffer (no pass ahead to find
 * the ']': at 250 MB a second read of the text costs as much as a third of the parse).
 * Returns the number of values read (rows * width on success; fewer means the header
 * over-counts) or an error:
 *   -1: no '[' at pos, -2: unexpected character, -3: more values than rows * width,
 *   -4: the input ends before the ']' (truncated), -5: a value too large for its
 *   column (*bad_column says which; the caller may widen a U32 column and retry),
 *   -7: an ORDINAL value past the last node, -8: an ORDINAL value inside a node,
 *   -9: an OFFSETS column whose running sum passes 2^63.
 * *end_pos gets the offset just past ']' on success, of the offending character, or the
 * length of the input for -4.
 */
/*
 * When `release` is set, `buf` is a read-only file mapping and the pages already parsed
 * are dropped from the address space every RELEASE_STEP bytes: they are never read
 * again, and without this a 600 MB file would sit in our RSS next to its columns.
 */
#define RELEASE_STEP (2 << 20)

static void release_pages(const unsigned char *from, const unsigned char *to) {
    uintptr_t page = (uintptr_t)hs_page_size();
    uintptr_t first = ((uintptr_t)from + page - 1) / page * page;
    uintptr_t last = (uintptr_t)to / page * page;
    if (last > first) hs_pages_drop((void *)first, last - first);
}

/*
 * Map every page of a fresh output buffer in one call instead of taking a page fault
 * per 4 KiB on first write (on a VM each fault is a trap to the hypervisor, and those
 * add up to a large share of a pass that writes each entry once). Contents are left
 * alone, so this is safe to run while another thread already writes the buffer.
 */
static void populate(void *start, size_t bytes) {
    uintptr_t page = (uintptr_t)hs_page_size();
    uintptr_t first = ((uintptr_t)start + page - 1) / page * page;
    uintptr_t last = ((uintptr_t)start + bytes) / page * page;
    if (last > first + (uintptr_t)(1 << 20)) hs_pages_populate((void *)first, last - first);
}

/*
 * Whole rows of the layouts V8 writes, with the kinds known when compiled: a row then needs no
 * per-value dispatch, count or release test, and each value one range test at most. A row is
 * stored only when it is plain (values of at most 19 digits, ',' between them and ',' or "\n,"
 * after the row, each fitting its column); the first other row, and so the last of the array,
 * stops the loop and the general loop of hs_parse_columns reads it, reporting any error where it
 * is. A row reads at most FAST_ROW_WIDTH * 22 bytes (a value is cut off at 20 characters), so
 * rows start only before `rows_end`, FAST_MARGIN bytes before the end of the buffer. Returns the
 * rows parsed; *at and *running_offset follow.
 */
#define FAST_ROW_WIDTH 8
#define FAST_MARGIN 192
#define FAST_ROWS_CHUNK 65536 /* one or two megabytes of text */

static inline int64_t fast_rows(const unsigned char **at, const unsigned char *rows_end, int64_t row, int64_t rows,
                                const int width,
                                const int *const kinds, void **outs, uint64_t ordinal_limit, uint64_t divisor,
                                double reciprocal, int64_t *running_offset) {
    const unsigned char *p = *at;
    int64_t first_row = row;
    int64_t offset = *running_offset;
    while (row < rows && p < rows_end) {
        const unsigned char *q = p;
        uint64_t values[FAST_ROW_WIDTH];
        for (int c = 0; c < width; c++) {
            const unsigned char *start = q;
            unsigned digit = (unsigned)*q - '0';
            if (digit > 9) goto done;
            uint64_t v = digit;
            q++;
            while (q - start < 20 && (digit = (unsigned)*q - '0') <= 9) {
                v = v * 10 + digit;
                q++;
            }
            if (q - start > 19) goto done;
            values[c] = v;
            if (*q == ',') q++;
            else if (c == width - 1 && q[0] == '\n' && q[1] == ',') q += 2;
            else goto done;
        }
        int64_t row_offset = offset;
        for (int c = 0; c < width; c++) {
            uint64_t v = values[c];
            switch (kinds[c]) {
            case HS_U8:
                if (v > 0xFFu) goto done;
                ((uint8_t *)outs[c])[row] = (uint8_t)v;
                break;
            case HS_U32:
                if (v > 0xFFFFFFFFull) goto done;
                ((uint32_t *)outs[c])[row] = (uint32_t)v;
                break;
            case HS_U64:
                ((uint64_t *)outs[c])[row] = v;
                break;
            case HS_OFFSETS:
                if (v > (uint64_t)(INT64_MAX - row_offset)) goto done;
                row_offset += (int64_t)v;
                ((int64_t *)outs[c])[row + 1] = row_offset;
                break;
            case HS_ORDINAL: {
                if (v >= ordinal_limit * divisor) goto done;
                uint64_t ordinal = (uint64_t)((double)v * reciprocal);
                if (ordinal * divisor > v) ordinal--;
                else if ((ordinal + 1) * divisor <= v) ordinal++;
                if (ordinal * divisor != v) goto done;
                ((uint32_t *)outs[c])[row] = (uint32_t)ordinal;
                break;
            }
            default:
                break;
            }
        }
        offset = row_offset;
        row++;
        p = q;
    }
done:
    *at = p;
    *running_offset = offset;
    return row - first_row;
}

/* The layouts read by fast_rows: V8's edges, and its nodes with and without the source fields. */
static const int EDGE_LAYOUT[3] = {HS_U8, HS_U32, HS_ORDINAL};
static const int NODE_LAYOUT[7] = {HS_U8, HS_U32, HS_U32, HS_U64, HS_OFFSETS, HS_U32, HS_U8};
static const int NODE_LAYOUT_NO_SOURCES[7] = {HS_U8, HS_U32, HS_U32, HS_U64, HS_OFFSETS, HS_SKIP, HS_SKIP};

static int same_layout(const int *kinds, int64_t width, const int *layout, int64_t layout_width) {
    if (width != layout_width) return 0;
    for (int64_t c = 0; c < width; c++)
        if (kinds[c] != layout[c]) return 0;
    return 1;
}

HS_EXPORT int64_t hs_parse_columns(const char *buf, int64_t len, int64_t pos, int64_t rows, int64_t width,
                                   void **outs, const int *kinds, int64_t node_width, int64_t node_count,
                                   int release, int64_t *end_pos, int64_t *bad_column) {
    const unsigned char *text = (const unsigned char *)buf;
    while (pos < len && is_space(buf[pos])) pos++;
    if (pos >= len || buf[pos] != '[') { *end_pos = pos; return -1; }
    const unsigned char *end = text + len;
    const unsigned char *rows_end = len - pos > FAST_MARGIN ? end - FAST_MARGIN : text + pos;
    const unsigned char *p = text + pos + 1;
    int64_t total = rows * width;
    int64_t n = 0, row = 0, col = 0;
    uint64_t ordinal_limit = (uint64_t)node_count;
    uint64_t divisor = (uint64_t)(node_width > 0 ? node_width : 1);
    /* Dividing by a run-time width costs ~25 cycles; a multiply by the reciprocal plus a
       one-step correction is exact for every offset below 2^52, far past any heap. */
    double reciprocal = 1.0 / (double)divisor;
    int64_t running_offset = 0;
    for (int64_t c = 0; c < width; c++)
        if (kinds[c] == HS_OFFSETS && rows >= 0) ((int64_t *)outs[c])[0] = 0; /* even when no row follows */
    const unsigned char *released = p;
    int layout = same_layout(kinds, width, EDGE_LAYOUT, 3) ? 1
                 : same_layout(kinds, width, NODE_LAYOUT, 7) ? 2
                 : same_layout(kinds, width, NODE_LAYOUT_NO_SOURCES, 7) ? 3
                                                                         : 0;
    for (;;) {
        if (release && p - released > RELEASE_STEP) {
            release_pages(released, p);
            released = p;
        }
        if (layout && col == 0) {
            /* FAST_ROWS_CHUNK rows at a time, so that the pages parsed are still dropped as we go. */
            int64_t upto = rows - row < FAST_ROWS_CHUNK ? rows : row + FAST_ROWS_CHUNK;
            int64_t done = 0;
            if (layout == 1)
                done = fast_rows(&p, rows_end, row, upto, 3, EDGE_LAYOUT, outs, ordinal_limit, divisor, reciprocal,
                                 &running_offset);
            else if (layout == 2)
                done = fast_rows(&p, rows_end, row, upto, 7, NODE_LAYOUT, outs, ordinal_limit, divisor, reciprocal,
                                 &running_offset);
            else
                done = fast_rows(&p, rows_end, row, upto, 7, NODE_LAYOUT_NO_SOURCES, outs, ordinal_limit, divisor,
                                 reciprocal, &running_offset);
            row += done;
            n += done * width;
            if (done) continue;
        }
        while (p < end && is_space((char)*p)) p++;
        if (p == end) { *end_pos = len; return -4; }
        if (*p == ']') {
            if (n == 0) { *end_pos = (int64_t)(p - text) + 1; return 0; }
            *end_pos = (int64_t)(p - text);
            return -2; /* ']' right after ',' */
        }
        unsigned digit = (unsigned)*p - '0';
        if (digit > 9) { *end_pos = (int64_t)(p - text); return -2; }
        const unsigned char *start = p;
        uint64_t v = digit;
        p++;
        while (p < end && (digit = (unsigned)*p - '0') <= 9) { v = v * 10 + digit; p++; }
        /* Digits up to the end of the input may be the first of a longer number: a cut file. */
        if (p == end) { *end_pos = len; return -4; }
        if (p - start > 19) { *end_pos = (int64_t)(start - text); *bad_column = col; return -5; }
        /* V8 always writes integers; a fraction or exponent means a foreign writer. */
        if (*p == '.' || *p == 'e' || *p == 'E') { *end_pos = (int64_t)(p - text); return -2; }
        if (n >= total) { *end_pos = (int64_t)(start - text); return -3; }
        switch (kinds[col]) {
        case HS_U8:
            if (v > 0xFFu) { *end_pos = (int64_t)(start - text); *bad_column = col; return -5; }
            ((uint8_t *)outs[col])[row] = (uint8_t)v;
            break;
        case HS_U32:
            if (v > 0xFFFFFFFFull) { *end_pos = (int64_t)(start - text); *bad_column = col; return -5; }
            ((uint32_t *)outs[col])[row] = (uint32_t)v;
            break;
        case HS_U64:
            ((uint64_t *)outs[col])[row] = v;
            break;
        case HS_OFFSETS: {
            int64_t *offsets = (int64_t *)outs[col];
            /* A crafted file can make the counts wrap around to the right total. */
            if (v > (uint64_t)(INT64_MAX - running_offset)) {
                *end_pos = (int64_t)(start - text);
                *bad_column = col;
                return -9;
            }
            running_offset += (int64_t)v;
            offsets[row + 1] = running_offset;
            break;
        }
        case HS_ORDINAL: {
            if (v >= ordinal_limit * divisor) { *end_pos = (int64_t)(start - text); return -7; }
            uint64_t ordinal = (uint64_t)((double)v * reciprocal);
            if (ordinal * divisor > v) ordinal--;
            else if ((ordinal + 1) * divisor <= v) ordinal++;
            if (ordinal * divisor != v) { *end_pos = (int64_t)(start - text); return -8; }
            ((uint32_t *)outs[col])[row] = (uint32_t)ordinal;
            break;
        }
        default:
            break;
        }
        n++;
        if (++col == width) { col = 0; row++; }
        while (p < end && is_space((char)*p)) p++;
        if (p == end) { *end_pos = len; return -4; }
        if (*p == ',') { p++; continue; }
        if (*p == ']') { *end_pos = (int64_t)(p - text) + 1; return n; }
        *end_pos = (int64_t)(p - text);
        return -2;
    }
}

/* Offset of the first `byte` at or after pos, or -1: finds where an integer array ends. */
HS_EXPORT int64_t hs_find_byte(const char *buf, int64_t len, int64_t pos, int byte) {
    if (pos < 0 || pos >= len) return -1;
    const char *found = memchr(buf + pos, byte, (size_t)(len - pos));
    return found ? (int64_t)(found - buf) : -1;
}

/*
 * Skip one JSON value starting at buf[pos] (after optional whitespace).
 * Returns the offset just past it, or -1 if the input ends first, -2 on a character
 * that cannot start a value. Used to find the top-level sections without parsing them.
 */
HS_EXPORT int64_t hs_skip_value(const char *buf, int64_t len, int64_t pos) {
    while (pos < len && is_space(buf[pos])) pos++;
    if (pos >= len) return -1;
    char c = buf[pos];
    if (c == '"') {
        pos++;
        while (pos < len) {
            char d = buf[pos];
            if (d == '\\') { pos += 2; continue; }
            if (d == '"') return pos + 1;
            pos++;
        }
        return -1;
    }
    if (c == '[' || c == '{') {
        int64_t depth = 0;
        while (pos < len) {
            char d = buf[pos];
            if (d == '"') {
                pos++;
                while (pos < len && buf[pos] != '"') pos += (buf[pos] == '\\') ? 2 : 1;
                if (pos >= len) return -1;
                pos++;
                continue;
            }
            if (d == '[' || d == '{') depth++;
            else if (d == ']' || d == '}') {
                depth--;
                if (depth == 0) return pos + 1;
            }
            pos++;
        }
        return -1;
    }
    if ((c >= '0' && c <= '9') || c == '-' || c == 't' || c == 'f' || c == 'n') {
        while (pos < len && buf[pos] != ',' && buf[pos] != ']' && buf[pos] != '}' && !is_space(buf[pos])) pos++;
        return pos;
    }
    return -2;
}

/*
 * V8's location rows (`width` uint32 values a row: the object's offset in the nodes array,
 * script id, line, column at the positions `fields` gives) as four columns in node order, the
 * object offsets turned into node ordinals. V8 writes them in no particular order; a table of
 * the row naming each node (`row_of`, node_count int32, scratch) read in node order sorts them
 * in two passes where a sort of a million keys takes several. Returns 0; -7 for an offset past
 * the last node, else -8 for one inside a node (wherever the rows hold either); -10 when a node
 * has two locations (the table holds one: the caller sorts another way); -11 for a layout that
 * does not fit (a field outside the row, more rows than the int32 table can name).
 */
HS_EXPORT int64_t hs_locations_by_node(const uint32_t *rows, int64_t count, int64_t width, const int64_t *fields,
                                       int64_t node_width, int64_t node_count, int32_t *row_of, uint32_t *node,
                                       uint32_t *script, uint32_t *line, uint32_t *column) {
    if (count < 0 || count > INT32_MAX || width <= 0 || node_width <= 0 || node_count < 0) return -11;
    for (int k = 0; k < 4; k++)
        if (fields[k] < 0 || fields[k] >= width) return -11;
    const int64_t at = fields[0], at_script = fields[1], at_line = fields[2], at_column = fields[3];
    uint64_t limit = (uint64_t)node_count * (uint64_t)node_width;
    int past = 0, inside = 0, unsorted = 0;
    uint32_t previous = 0;
    for (int64_t i = 0; i < count; i++) {
        uint64_t offset = rows[i * width + at];
        uint32_t ordinal = (uint32_t)(offset / (uint64_t)node_width);
        past |= offset >= limit;
        inside |= offset % (uint64_t)node_width != 0;
        unsorted |= ordinal < previous;
        previous = ordinal;
        node[i] = ordinal;
    }
    if (past) return -7;
    if (inside) return -8;
    if (!unsorted) {
        for (int64_t i = 0; i < count; i++) {
            script[i] = rows[i * width + at_script];
            line[i] = rows[i * width + at_line];
            column[i] = rows[i * width + at_column];
        }
        return 0;
    }
    memset(row_of, 0xFF, sizeof(int32_t) * (size_t)node_count);
    for (int64_t i = 0; i < count; i++) {
        uint32_t ordinal = node[i]; /* below node_count: checked above */
        if (row_of[ordinal] >= 0) return -10;
        row_of[ordinal] = (int32_t)i;
    }
    int64_t filled = 0;
    for (int64_t ordinal = 0; ordinal < node_count && filled < count; ordinal++) {
        int32_t i = row_of[ordinal];
        if (i < 0) continue;
        node[filled] = (uint32_t)ordinal;
        script[filled] = rows[(int64_t)i * width + at_script];
        line[filled] = rows[(int64_t)i * width + at_line];
        column[filled] = rows[(int64_t)i * width + at_column];
        filled++;
    }
    return 0;
}

/* ------------------------------------------------------------------ graph */

/*
 * The graph kernels below index arrays with values read from other arrays; the caller
 * only vouches for the lengths it passes. check_graph checks the values: `first_edge` a CSR
 * index over `edge_count` edges (starts at 0, never decreases, ends at `edge_count`), every
 * `edge_to` below `node_count`, the root a node. Both loops are branch-free reductions the
 * compiler vectorises; they cost a sequential read each, 8-25 ms on a 250 MB snapshot.
 *
 * `graph_checked` (nonzero) skips those two loops, never the constant-time checks: the caller
 * vouches that these very arrays passed them before and have not changed since. _native.py
 * passes it only for a Graph, which it builds only from arrays that passed hs_check_graph or
 * came out of hs_parse_columns as a complete OFFSETS column and a complete ORDINAL column
 * bounded by the same node count (the same checks, made while parsing), and which it holds
 * read-only. Every other caller passes 0. Returns 0 when valid, HS_CORRUPT otherwise.
 */
#define HS_CORRUPT (-3)

static int check_graph(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                       const uint32_t *edge_to, int graph_checked) {
    if (node_count <= 0 || edge_count < 0 || root < 0 || root >= node_count) return HS_CORRUPT;
    if (first_edge[0] != 0 || first_edge[node_count] != edge_count) return HS_CORRUPT;
    if (graph_checked) return 0;
    int64_t decreases = 0;
    for (int64_t i = 0; i < node_count; i++) decreases |= first_edge[i] > first_edge[i + 1];
    if (decreases) return HS_CORRUPT;
    uint32_t highest = 0;
    for (int64_t e = 0; e < edge_count; e++) highest = edge_to[e] > highest ? edge_to[e] : highest;
    if (edge_count > 0 && (int64_t)highest >= node_count) return HS_CORRUPT;
    return 0;
}

HS_EXPORT int hs_check_graph(int64_t node_count, int64_t edge_count, const int64_t *first_edge,
                             const uint32_t *edge_to) {
    return check_graph(node_count, edge_count, 0, first_edge, edge_to, 0);
}

/*
 * Counting-sort the edges by target to build the retainers CSR: retainer_first[N+1],
 * retainer_edge[E] (edge index; an edge's source is looked up in first_edge when needed).
 * Within one target, retainers keep edge order, as DevTools lists them.
 * Returns 0, -1 if memory could not be allocated, HS_CORRUPT for an invalid graph.
 */
HS_EXPORT int hs_build_retainer_edges(int64_t node_count, int64_t edge_count, const int64_t *first_edge,
                                      const uint32_t *edge_to, int graph_checked, int64_t *retainer_first,
                                      uint32_t *retainer_edge) {
    if (check_graph(node_count, edge_count, 0, first_edge, edge_to, graph_checked)) return HS_CORRUPT;
    memset(retainer_first, 0, sizeof(int64_t) * (size_t)(node_count + 1));
    for (int64_t e = 0; e < edge_count; e++) retainer_first[edge_to[e] + 1]++;
    for (int64_t i = 0; i < node_count; i++) retainer_first[i + 1] += retainer_first[i];
    int64_t *fill = (int64_t *)malloc(sizeof(int64_t) * (size_t)(node_count > 0 ? node_count : 1));
    if (!fill) return -1;
    memcpy(fill, retainer_first, sizeof(int64_t) * (size_t)node_count);
    for (int64_t src = 0; src < node_count; src++)
        for (int64_t e = first_edge[src]; e < first_edge[src + 1]; e++) {
            retainer_edge[fill[edge_to[e]]++] = (uint32_t)e;
        }
    free(fill);
    return 0;
}

/*
 * Essential edges are the ones that keep an object alive for dominator purposes:
 * weak edges never do, and shortcut edges only do from the synthetic root (where V8
 * uses them to mark user roots such as the global object), as in DevTools.
 */
static inline int essential(uint8_t type, int64_t src, int64_t root, int weak_type, int shortcut_type) {
    if (type == weak_type) return 0;
    if (type == shortcut_type && src != root) return 0;
    return 1;
}

/* BFS from the root over non-weak edges; unreachable nodes keep -1. Returns 0, -1
   if memory could not be allocated, HS_CORRUPT for an invalid graph. */
HS_EXPORT int hs_distances(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                           const uint32_t *edge_to, int graph_checked, const uint8_t *edge_type, int weak_type,
                           int32_t *dist) {
    if (check_graph(node_count, edge_count, root, first_edge, edge_to, graph_checked)) return HS_CORRUPT;
    for (int64_t i = 0; i < node_count; i++) dist[i] = -1;
    uint32_t *queue = (uint32_t *)malloc(sizeof(uint32_t) * (size_t)(node_count > 0 ? node_count : 1));
    if (!queue) return -1;
    int64_t head = 0, tail = 0;
    dist[root] = 0;
    queue[tail++] = (uint32_t)root;
    while (head < tail) {
        uint32_t v = queue[head++];
        int32_t d = dist[v] + 1;
        for (int64_t e = first_edge[v]; e < first_edge[v + 1]; e++) {
            if (edge_type[e] == weak_type) continue;
            uint32_t w = edge_to[e];
            if (dist[w] < 0) { dist[w] = d; queue[tail++] = w; }
        }
    }
    free(queue);
    return 0;
}

/* Sorts `count` node ordinals, none above `highest`, ascending; `scratch` has room for as many. */
static void sort_nodes(uint32_t *keys, uint32_t *scratch, int64_t count, uint32_t highest) {
    if (count < 64) {
        for (int64_t i = 1; i < count; i++) {
            uint32_t key = keys[i];
            int64_t j = i;
            while (j > 0 && keys[j - 1] > key) { keys[j] = keys[j - 1]; j--; }
            keys[j] = key;
        }
        return;
    }
    /* LSD radix sort, as many passes as the highest key has digits: of 8 bits, or of 11 for
       a level big enough to pay for the larger table (two passes instead of three for the
       ordinals of a heap of up to 4 M nodes). */
    static int64_t const wide_from = 4096;
    int bits = count >= wide_from ? 11 : 8;
    uint32_t mask = (1u << bits) - 1;
    uint32_t *from = keys, *to = scratch;
    for (int shift = 0; shift < 32 && (highest >> shift) != 0; shift += bits) {
        int64_t start[(1 << 11) + 1];
        memset(start, 0, sizeof(int64_t) * ((size_t)mask + 2));
        for (int64_t i = 0; i < count; i++) start[((from[i] >> shift) & mask) + 1]++;
        for (uint32_t b = 0; b <= mask; b++) start[b + 1] += start[b];
        for (int64_t i = 0; i < count; i++) to[start[(from[i] >> shift) & mask]++] = from[i];
        uint32_t *swap = from;
        from = to;
        to = swap;
    }
    if (from != keys) memcpy(keys, from, sizeof(uint32_t) * (size_t)count);
}

/*
 * The state of one ranked breadth-first walk, shared by its phases: the graph and the tables
 * the caller checked, the tree being filled, and the walk's own buffers. `parent` and
 * `parent_edge` may be NULL (not wanted); with `owner` set, each node reached is also given
 * its nearest `marked` node up the tree as its level closes (the root counts as marked),
 * and when `parent` is NULL `owner` holds a claimed node's source until then.
 */
typedef struct {
    const int64_t *first_edge;
    const uint32_t *edge_to;
    const uint8_t *edge_type;
    const uint32_t *edge_name;
    const uint8_t *node_type;
    const uint8_t *edge_rank;
    int64_t edge_type_count;
    const uint8_t *node_penalty;
    int64_t node_type_count;
    int32_t *distance;
    int64_t *parent;
    int64_t *parent_edge;
    uint32_t *owner;
    const uint8_t *marked;
    uint32_t *frontier, *reached, *scratch;
    uint8_t *rank, *state;
    int32_t highest; /* the largest distance given so far */
    /* Set: flag (HOLDS) each node expanded that has an edge into a node it did not reach,
       into an OPEN or BARRED one (see hs_path_tree's last phase). */
    int track;
} hs_bfs;

/* A node's state in a walk: BARRED is a node no edge may claim that has no distance; HOLDS is
   added to a closed node's state. */
enum { OPEN = 0, CLAIMED = 1, CLOSED = 2, BARRED = 3, HOLDS = 0x80 };

/* The walk's buffers for `node_count` nodes and a first frontier of `frontier_count`; 0 or -1. */
static int bfs_alloc(hs_bfs *b, size_t n, size_t frontier_count) {
    /* The first frontier may name a node twice; every later one is a set of new nodes. */
    size_t room = n > frontier_count ? n : frontier_count;
    b->frontier = (uint32_t *)malloc(sizeof(uint32_t) * room);
    b->reached = (uint32_t *)malloc(sizeof(uint32_t) * room);
    b->scratch = (uint32_t *)malloc(sizeof(uint32_t) * room);
    b->rank = (uint8_t *)malloc(n);
    /* Per node, one byte the edge loop reads instead of three arrays: CLOSED (has a
       distance, or not a target), OPEN, or CLAIMED by an edge of the current level. A
       claimed node's distance is written as it is claimed (and again by a better edge):
       only the frontier's distances are read in a level, and a frontier node is closed. */
    b->state = (uint8_t *)malloc(n);
    if (b->frontier && b->reached && b->scratch && b->rank && b->state) return 0;
    return -1;
}

static void bfs_free(hs_bfs *b) {
    free(b->frontier); free(b->reached); free(b->scratch); free(b->rank); free(b->state);
}

/*
 * One phase of a breadth-first tree that picks, for every node, the best-ranked edge among
 * those that reach it in the same level: levels from the `width` nodes in b->frontier (nodes
 * already given a distance) until nothing new is reached, filling the tree's outputs for the
 * nodes it reaches; nodes reached before keep theirs.
 *
 * Which edges are followed: `edge_rule` per edge type, 0 never, 1 always, 2 unless the
 * edge's name is marked in `bad_name` (names past `name_count` are not); and only into
 * OPEN nodes. Among the edges reaching one node in one level the lowest rank wins, rank =
 * edge_rank[edge type] + node_penalty[source node type] (8-bit), and of equal ranks the
 * first in level order: the frontier in its order (each later level's in ascending node
 * order), each node's edges in order. A node reached gets its source's distance + 1, or,
 * when `level_base` is not negative, level_base + its level (1 for the first).
 *
 * Returns 0 or HS_CORRUPT for a type past a table.
 */
static int bfs_levels(hs_bfs *b, const uint8_t *edge_rule, const uint8_t *bad_name, int64_t name_count,
                      int64_t width, int64_t level_base) {
    /* Everything in locals: the byte stores below may alias any field of *b for the compiler. */
    const int64_t *first_edge = b->first_edge;
    const uint32_t *edge_to = b->edge_to, *edge_name = b->edge_name;
    const uint8_t *edge_type = b->edge_type, *node_type = b->node_type;
    const uint8_t *edge_rank = b->edge_rank, *node_penalty = b->node_penalty, *marked = b->marked;
    int64_t edge_type_count = b->edge_type_count, node_type_count = b->node_type_count;
    int32_t *distance = b->distance;
    int64_t *parent = b->parent, *parent_edge = b->parent_edge;
    uint32_t *owner = b->owner, *frontier = b->frontier, *reached = b->reached, *scratch = b->scratch;
    uint8_t *rank = b->rank, *state = b->state;
    int32_t deepest = b->highest;
    int track = b->track;
    int64_t level = level_base;
    int status = 0;
    while (width > 0) {
        int64_t count = 0;
        uint32_t highest = 0;
        if (level >= 0) level++;
        for (int64_t f = 0; f < width; f++) {
            /* The frontier's nodes a few places ahead: their offsets, then their edges, whose
               cache misses would otherwise come one after another (each node's edges sit
               elsewhere in the columns). */
            if (f + 4 < width) HS_PREFETCH(&first_edge[frontier[f + 4]]);
            if (f + 2 < width) {
                int64_t ahead = first_edge[frontier[f + 2]];
                HS_PREFETCH(&edge_to[ahead]);
                HS_PREFETCH(&edge_type[ahead]);
                HS_PREFETCH(&edge_name[ahead]);
            }
            uint32_t source = frontier[f];
            uint8_t source_type = node_type[source];
            if (source_type >= node_type_count) { status = HS_CORRUPT; goto done; }
            uint8_t penalty = node_penalty[source_type];
            int32_t next = level >= 0 ? (int32_t)level : distance[source] + 1;
            int64_t end = first_edge[source + 1];
            int claimed = 0, holds = 0;
            for (int64_t e = first_edge[source]; e < end; e++) {
                if (e + 8 < end) HS_PREFETCH(&state[edge_to[e + 8]]);
                uint8_t type = edge_type[e];
                if (type >= edge_type_count) { status = HS_CORRUPT; goto done; }
                uint8_t rule = edge_rule[type];
                uint32_t target = edge_to[e];
                if (rule == 0) {
                    if (track && (state[target] == OPEN || state[target] == BARRED)) holds = 1;
                    continue;
                }
                uint8_t seen = state[target];
                if (seen >= CLOSED) { /* closed (held or not), or barred */
                    holds |= seen == BARRED;
                    continue;
                }
                if (rule == 2 && edge_name[e] < (uint64_t)name_count && bad_name[edge_name[e]]) {
                    holds = 1;
                    continue;
                }
                uint8_t r = (uint8_t)(edge_rank[type] + penalty);
                if (seen == OPEN) {
                    state[target] = CLAIMED;
                    reached[count++] = target;
                    highest = target > highest ? target : highest;
                } else if (r >= rank[target]) {
                    continue;
                }
                rank[target] = r;
                distance[target] = next;
                claimed = 1;
                if (parent) parent[target] = (int64_t)source;
                else if (owner) owner[target] = source;
                if (parent_edge) parent_edge[target] = e;
            }
            if (claimed && next > deepest) deepest = next;
            if (track && holds) state[source] |= HOLDS; /* a frontier node is closed */
        }
        sort_nodes(reached, scratch, count, highest);
        for (int64_t i = 0; i < count; i++) {
            uint32_t v = reached[i];
            state[v] = CLOSED;
            /* The source closed a level before, so its owner is settled. */
            if (owner) owner[v] = marked[v] ? v : owner[parent ? (uint32_t)parent[v] : owner[v]];
        }
        uint32_t *swap = frontier;
        frontier = reached;
        reached = swap;
        width = count;
    }
done:
    b->frontier = frontier;
    b->reached = reached;
    b->highest = deepest;
    return status;
}

/*
 * Seed a phase of hs_path_tree: the target of each edge in `seeds` (edges out of the root, in
 * the caller's order) that has no distance yet gets `at`, the root as parent and the first such
 * edge, and is closed; the frontier is every seed edge's target, in that order.
 */
static int64_t seed_phase(hs_bfs *b, int64_t root, const int64_t *seeds, int64_t seed_count, int32_t at) {
    for (int64_t i = 0; i < seed_count; i++) {
        uint32_t target = b->edge_to[seeds[i]];
        if (b->distance[target] < 0) {
            b->distance[target] = at;
            if (b->parent) b->parent[target] = root;
            if (b->parent_edge) b->parent_edge[target] = seeds[i];
            if (b->owner) b->owner[target] = b->marked[target] ? target : (uint32_t)root;
            b->state[target] = CLOSED;
            if (at > b->highest) b->highest = at;
        }
        b->frontier[i] = target;
    }
    return seed_count;
}

/*
 * The whole preferred retainer tree of heapscope.analysis.paths.PathFinder in one call, in its
 * three phases: from the targets of the root's edges `first_seeds` over the edges
 * `preferred_rule` follows (into `node_ok` nodes, internal ones not named in `bad_name`); then
 * from the targets of `second_seeds`, given the next distance, the same way; then from every
 * node reached that has an edge of any type into one not reached (and, when
 * `reachable_count` is not 0, `reachable`), nearest first, over the edges `any_rule` follows
 * into any node, one level past the deepest so far. Ranks and ties as in bfs_levels.
 *
 * Outputs: `distance` (-1 unreached), and each of `parent` and `parent_edge` (-1 unreached; the
 * root's parent is itself) when its length is the node count (0: not wanted); with `marked`
 * and `owner` of the node count, each node's nearest marked node up the tree, itself included
 * (the root, and unreached nodes not marked, get the root). Every output is written in full.
 * Returns 0, -1 if memory could not be allocated, HS_CORRUPT for an invalid graph, a seed that
 * is not an edge, a length that is neither 0 nor the node count, or a type past a table.
 */
HS_EXPORT int hs_path_tree(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                           const uint32_t *edge_to, int graph_checked, const uint8_t *edge_type,
                           const uint32_t *edge_name, const uint8_t *node_type, const uint8_t *preferred_rule,
                           const uint8_t *any_rule, const uint8_t *edge_rank, int64_t edge_type_count,
                           const uint8_t *node_penalty, int64_t node_type_count, const uint8_t *bad_name,
                           int64_t name_count, const uint8_t *node_ok, const int64_t *first_seeds,
                           int64_t first_count, const int64_t *second_seeds, int64_t second_count,
                           const uint8_t *reachable, int64_t reachable_count, int32_t *distance,
                           int64_t *parent, int64_t parent_count, int64_t *parent_edge, int64_t parent_edge_count,
                           const uint8_t *marked, uint32_t *owner, int64_t owner_count) {
    if (check_graph(node_count, edge_count, root, first_edge, edge_to, graph_checked)) return HS_CORRUPT;
    if (edge_type_count <= 0 || node_type_count <= 0 || name_count < 0 || first_count < 0 || second_count < 0)
        return HS_CORRUPT;
    if ((parent_count && parent_count != node_count) || (parent_edge_count && parent_edge_count != node_count) ||
        (owner_count && owner_count != node_count) || (reachable_count && reachable_count != node_count))
        return HS_CORRUPT;
    for (int64_t i = 0; i < first_count; i++)
        if (first_seeds[i] < 0 || first_seeds[i] >= edge_count) return HS_CORRUPT;
    for (int64_t i = 0; i < second_count; i++)
        if (second_seeds[i] < 0 || second_seeds[i] >= edge_count) return HS_CORRUPT;
    size_t n = (size_t)node_count;
    size_t most_seeds = (size_t)(first_count > second_count ? first_count : second_count);
    hs_bfs b = {first_edge, edge_to, edge_type, edge_name, node_type, edge_rank, edge_type_count, node_penalty,
                node_type_count, distance, parent_count ? parent : NULL, parent_edge_count ? parent_edge : NULL,
                owner_count ? owner : NULL, marked, NULL, NULL, NULL, NULL, NULL, 0, 1};
    if (bfs_alloc(&b, n, most_seeds)) {
        bfs_free(&b);
        return -1;
    }
    for (size_t v = 0; v < n; v++) {
        distance[v] = -1;
        b.state[v] = node_ok[v] ? OPEN : BARRED;
    }
    if (b.parent)
        for (size_t v = 0; v < n; v++) b.parent[v] = -1;
    if (b.parent_edge)
        for (size_t v = 0; v < n; v++) b.parent_edge[v] = -1;
    if (b.owner)
        for (size_t v = 0; v < n; v++) b.owner[v] = marked[v] ? (uint32_t)v : (uint32_t)root;
    distance[root] = 0;
    b.state[root] = CLOSED;
    if (b.parent) b.parent[root] = root;
    if (b.owner) b.owner[root] = (uint32_t)root;
    int status = 0;
    /* Phase 1: the global object(s); phase 2: the other roots, one past the deepest so far. */
    int64_t width = seed_phase(&b, root, first_seeds, first_count, 1);
    status = bfs_levels(&b, preferred_rule, bad_name, name_count, width, -1);
    if (!status) {
        width = seed_phase(&b, root, second_seeds, second_count, b.highest + 1);
        status = bfs_levels(&b, preferred_rule, bad_name, name_count, width, -1);
    }
    /* Phase 3: the nodes reached so far with an edge into one left, by distance (ascending
       ordinals within one), over any edge `any_rule` follows, into any node. Every node
       reached but the root was expanded above, and any edge of it into a node left was then
       one into an OPEN or BARRED node that it did not claim (weak, named bad, or barred), so
       only the root and the nodes flagged HOLDS can have one: a few percent of the nodes. */
    if (!status) {
        /* The nodes left, one byte each (in the ranks' room: no rank is read before phase 3
           claims its first node). */
        uint8_t *left = b.rank;
        int64_t holders = 0, left_count = 0;
        for (size_t v = 0; v < n; v++) {
            left[v] = distance[v] < 0 && (!reachable_count || reachable[v]);
            left_count += left[v];
        }
        b.state[root] |= HOLDS;
        for (int64_t v = 0; v < node_count && left_count; v++) {
            if (!(b.state[v] & HOLDS)) continue;
            int64_t end = first_edge[v + 1];
            for (int64_t e = first_edge[v]; e < end; e++) {
                if (left[edge_to[e]]) {
                    b.reached[holders++] = (uint32_t)v;
                    break;
                }
            }
        }
        if (holders) {
            /* Stable counting sort by distance (0 .. highest). */
            int64_t *start = (int64_t *)calloc((size_t)b.highest + 2, sizeof(int64_t));
            if (!start) {
                status = -1;
            } else {
                for (int64_t i = 0; i < holders; i++) start[distance[b.reached[i]] + 1]++;
                for (int32_t d = 0; d <= b.highest; d++) start[d + 1] += start[d];
                for (int64_t i = 0; i < holders; i++) b.frontier[start[distance[b.reached[i]]]++] = b.reached[i];
                free(start);
                for (size_t v = 0; v < n; v++) b.state[v] = distance[v] >= 0 ? CLOSED : OPEN;
                status = bfs_levels(&b, any_rule, bad_name, 0, holders, (int64_t)b.highest + 1);
            }
        }
    }
    bfs_free(&b);
    return status;
}

/*
 * Per string: whether some edge of type `type` is named by it. Only the names of V8's internal
 * edges are tested against the pattern of compiled code's internals, once per distinct name.
 * Returns 0 or HS_CORRUPT for a negative count.
 */
HS_EXPORT int hs_edge_names_of_type(int64_t edge_count, const uint8_t *edge_type, const uint32_t *edge_name,
                                    int64_t type, int64_t name_count, uint8_t *present) {
    if (edge_count < 0 || name_count < 0) return HS_CORRUPT;
    if (name_count) memset(present, 0, (size_t)name_count);
    for (int64_t e = 0; e < edge_count; e++)
        if (edge_type[e] == type && edge_name[e] < (uint64_t)name_count) present[edge_name[e]] = 1;
    return 0;
}

/*
 * Per node, the nearest node up a tree (itself included) that is marked; the root counts as
 * marked, and a negative parent stands for the root. Each node is walked up once: the walk
 * stops at a marked node or one already settled, and settles every node it passed.
 * Returns 0, -1 if memory could not be allocated, HS_CORRUPT for a parent past the nodes
 * or a cycle.
 */
HS_EXPORT int hs_nearest_marked_up(int64_t node_count, int64_t root, const int64_t *parent, const uint8_t *marked,
                                   int64_t *owner) {
    if (node_count <= 0 || root < 0 || root >= node_count) return HS_CORRUPT;
    uint32_t *stack = (uint32_t *)malloc(sizeof(uint32_t) * (size_t)node_count);
    if (!stack) return -1;
    for (int64_t v = 0; v < node_count; v++) owner[v] = marked[v] ? v : -1;
    owner[root] = root;
    int status = 0;
    for (int64_t v = 0; v < node_count && !status; v++) {
        int64_t sp = 0, x = v;
        while (owner[x] < 0) {
            if (sp >= node_count) { status = HS_CORRUPT; break; } /* walked in a circle */
            stack[sp++] = (uint32_t)x;
            int64_t up = parent[x] < 0 ? root : parent[x];
            if (up >= node_count) { status = HS_CORRUPT; break; }
            x = up;
        }
        if (status) break;
        int64_t found = owner[x];
        while (sp > 0) owner[stack[--sp]] = found;
    }
    free(stack);
    return status;
}

/*
 * Dominators by semi-NCA (Lengauer-Tarjan's semidominators with path compression,
 * then immediate dominators as nearest common ancestors on the DFS tree), fully
 * iterative so a 10M-node chain cannot overflow the C stack.
 *
 * Everything after the DFS works in DFS-number space: the predecessor lists are
 * rebuilt from the forward edges, indexed by DFS number, holding the essential edges
 * between reached nodes other than the DFS tree edges. That needs no retainer index,
 * and the hot loop reads each node's predecessors contiguously instead of chasing edge
 * indexes back into the edge-type column.
 *
 * Output: idom[node] = immediate dominator node; the root and unreachable nodes get
 * the root (DevTools attaches unreachable objects to the root as well), and
 * `reachable` (the count of nodes reached from the root) is returned. `order` receives
 * the reachable nodes in DFS preorder; every node's dominator precedes it there,
 * which is what the retained-size pass relies on.
 * Returns -1 if memory could not be allocated, -2 if there are 2^31 nodes or 2^32 edges
 * or more, HS_CORRUPT for an invalid graph.
 */
/*
 * The link-eval forest of the semidominator pass. Only the smallest semidominator
 * number along a path is ever used, never the vertex holding it, so each entry keeps
 * that number next to its ancestor: one cache line per step instead of three arrays.
 */
typedef struct {
    int32_t ancestor; /* -1 while not yet linked */
    int32_t best;     /* min semidominator number on the compressed path up to here */
} hs_forest_entry;

static inline int32_t eval_best(int32_t v, hs_forest_entry *forest, int32_t *stack) {
    if (forest[v].ancestor < 0) return forest[v].best;
    int64_t top = 0;
    int32_t x = v;
    while (forest[forest[x].ancestor].ancestor >= 0) { stack[top++] = x; x = forest[x].ancestor; }
    while (top > 0) {
        int32_t y = stack[--top];
        int32_t a = forest[y].ancestor;
        if (forest[a].best < forest[y].best) forest[y].best = forest[a].best;
        forest[y].ancestor = forest[a].ancestor;
    }
    return forest[v].best;
}

/*
 * Work for the second core while the (inherently sequential) DFS runs. First it maps
 * the pages of the buffers the DFS writes, then it counts every node's essential
 * incoming edges (in node space: the DFS numbers are not known yet), which the DFS
 * would otherwise do with one more random write per edge; then it maps the pages of
 * the buffers the next phases write.
 * Counting edges from nodes the DFS never reaches only leaves unused room in their
 * targets' predecessor lists, which carry their own ends.
 */
#define HS_DFS_BUFFERS 3

typedef struct {
    int64_t node_count;
    uint32_t root;
    const int64_t *first_edge;
    const uint32_t *edge_to;
    const uint8_t *edge_type;
    int weak_type, shortcut_type;
    uint32_t *in_count;
    uint32_t *idom;
    uint64_t *retained;
    const uint64_t *self_size;
    /* Buffers to populate: the first HS_DFS_BUFFERS are the ones the DFS writes as it
       goes (mapped here, concurrently, rather than page by page on the critical path),
       the rest those of the later phases. */
    void *touch[7];
    size_t touch_bytes[7];
} hs_dfs_helper_job;

static void *hs_dfs_helper(void *argument) {
    hs_dfs_helper_job *job = (hs_dfs_helper_job *)argument;
    for (size_t b = 0; b < HS_DFS_BUFFERS; b++) populate(job->touch[b], job->touch_bytes[b]);
    uint32_t *in_count = job->in_count;
    int64_t edge_count = job->first_edge[job->node_count];
    memset(in_count, 0, sizeof(uint32_t) * (size_t)job->node_count);
    for (int64_t v = 0; v < job->node_count; v++) {
        int64_t last = job->first_edge[v + 1];
        for (int64_t e = job->first_edge[v]; e < last; e++) {
            if (e + 16 < edge_count) HS_PREFETCH_WRITE(&in_count[job->edge_to[e + 16]]);
            if (essential(job->edge_type[e], v, job->root, job->weak_type, job->shortcut_type))
                in_count[job->edge_to[e]]++;
        }
    }
    for (size_t b = HS_DFS_BUFFERS; b < sizeof job->touch / sizeof job->touch[0]; b++)
        if (job->touch[b]) populate(job->touch[b], job->touch_bytes[b]);
    return NULL;
}

/* The outputs' values for unreachable nodes, written beside the semidominator pass. */
static void *hs_output_defaults(void *argument) {
    hs_dfs_helper_job *job = (hs_dfs_helper_job *)argument;
    for (int64_t i = 0; i < job->node_count; i++) job->idom[i] = job->root;
    if (job->retained && job->self_size)
        memcpy(job->retained, job->self_size, sizeof(uint64_t) * (size_t)job->node_count);
    return NULL;
}

/*
 * Filling the predecessor lists is a pass of random writes; two threads each own the
 * lists of half the DFS numbers and read the edges in the same order, so every list
 * comes out exactly as one thread would have filled it.
 */
typedef struct {
    int64_t node_count;
    const int64_t *first_edge;
    const int32_t *dfnum;
    const int32_t *target;
    uint32_t *pred_end; /* starts as each list's start, ends as its end */
    int32_t *preds;
    int32_t low, high; /* the DFS numbers whose lists this job fills */
} hs_preds_job;

static void *hs_fill_preds(void *argument) {
    hs_preds_job *job = (hs_preds_job *)argument;
    const int64_t *first_edge = job->first_edge;
    const int32_t *target = job->target;
    uint32_t *pred_end = job->pred_end;
    int32_t *preds = job->preds;
    int32_t low = job->low, high = job->high;
    for (int64_t v = 0; v < job->node_count; v++) {
        int32_t vk = job->dfnum[v];
        if (vk < 0) continue;
        int64_t last = first_edge[v + 1];
        for (int64_t e = first_edge[v]; e < last; e++) {
            int32_t wk = target[e];
            if (wk >= low && wk < high) preds[pred_end[wk]++] = vk;
        }
    }
    return NULL;
}

/* Scattering the immediate dominators back to node space, next to the retained sizes. */
typedef struct {
    int32_t reached;
    const uint32_t *order;
    const int32_t *dom;
    uint32_t *idom;
} hs_scatter_job;

static void *hs_scatter_idom(void *argument) {
    hs_scatter_job *job = (hs_scatter_job *)argument;
    for (int32_t w = 1; w < job->reached; w++) job->idom[job->order[w]] = job->order[job->dom[w]];
    return NULL;
}

/* Run `work` on a second thread when one can be started, else here; join with finish(). */
typedef struct {
    hs_thread thread;
    int started;
    void *(*work)(void *);
    void *argument;
} hs_side_task;

static void side_start(hs_side_task *task, void *(*work)(void *), void *argument) {
    task->work = work;
    task->argument = argument;
    task->started = hs_thread_start(&task->thread, work, argument);
}

static void side_finish(hs_side_task *task) {
    if (task->started) hs_thread_join(&task->thread);
    else task->work(task->argument);
}

HS_EXPORT int64_t hs_dominators(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                                const uint32_t *edge_to, int graph_checked, const uint8_t *edge_type, int weak_type,
                                int shortcut_type, uint32_t *idom, uint32_t *order, const uint64_t *self_size,
                                uint64_t *retained) {
    if (check_graph(node_count, edge_count, root, first_edge, edge_to, graph_checked)) return HS_CORRUPT;
    size_t n = (size_t)node_count;
    size_t edges = (size_t)(edge_count > 0 ? edge_count : 1);
    /* List offsets are 32-bit (half the memory traffic of the semidominator pass) and DFS
       numbers 31-bit; a heap with more edges than that would need a file of some 40 GB. */
    if (edge_count > (int64_t)UINT32_MAX || node_count > (int64_t)INT32_MAX) return -2;
    int32_t *dfnum = (int32_t *)malloc(sizeof(int32_t) * n);
    int32_t *parent = (int32_t *)malloc(sizeof(int32_t) * n);
    int32_t *stack = (int32_t *)malloc(sizeof(int32_t) * n);
    /* The DFS's edge cursors; afterwards the predecessor lists' starts. */
    int64_t *stack_edge = (int64_t *)malloc(sizeof(int64_t) * (n + 1));
    uint32_t *pred_end = (uint32_t *)malloc(sizeof(uint32_t) * (n + 1));
    uint32_t *in_count = (uint32_t *)malloc(sizeof(uint32_t) * n);
    /* Per edge, the DFS number of its target if the edge is essential, else -1; the DFS
       learns it anyway, and keeping it spares the passes below a random lookup per edge. */
    int32_t *target = (int32_t *)malloc(sizeof(int32_t) * edges);
    int32_t *preds = (int32_t *)malloc(sizeof(int32_t) * edges); /* at most one per edge */
    /* The semidominator pass needs a forest entry and a semi number per node once the
       edge targets are dropped; they live in the targets' memory when it is big enough
       (heaps have about three edges per node), which keeps peak memory down. */
    size_t forest_bytes = sizeof(hs_forest_entry) * n + sizeof(int32_t) * n;
    int forest_in_target = sizeof(int32_t) * edges >= forest_bytes;
    void *forest_memory = forest_in_target ? (void *)target : malloc(forest_bytes);
    if (!dfnum || !parent || !stack || !stack_edge || !pred_end || !in_count || !target || !preds ||
        !forest_memory) {
        free(dfnum); free(parent); free(stack); free(stack_edge); free(pred_end); free(in_count);
        free(target); free(preds);
        if (!forest_in_target) free(forest_memory);
        return -1;
    }
    hs_forest_entry *forest = (hs_forest_entry *)forest_memory;
    int32_t *semi = (int32_t *)(forest + n); /* forest[w].best moves on; this stays */
    hs_dfs_helper_job job = {node_count, (uint32_t)root, first_edge, edge_to, edge_type, weak_type,
                             shortcut_type, in_count, idom, retained, self_size,
                             {target, order, parent, preds, forest_in_target ? NULL : forest_memory,
                              pred_end, stack_edge},
                             {sizeof(int32_t) * edges, sizeof(uint32_t) * n, sizeof(int32_t) * n,
                              sizeof(int32_t) * edges, forest_bytes, sizeof(uint32_t) * (n + 1),
                              sizeof(int64_t) * (n + 1)}};
    hs_side_task helper;
    side_start(&helper, hs_dfs_helper, &job);

    populate(dfnum, sizeof(int32_t) * n);
    for (int64_t i = 0; i < node_count; i++) dfnum[i] = -1;

    /* Iterative DFS numbering (preorder). Vertex of DFS number k is order[k]. */
    int32_t count = 0;
    int64_t sp = 0;
    dfnum[root] = count;
    order[count] = (uint32_t)root;
    parent[count] = -1;
    count++;
    stack[sp] = (int32_t)root;
    stack_edge[sp] = first_edge[root];
    sp++;
    while (sp > 0) {
        int32_t v = stack[sp - 1];
        int64_t e = stack_edge[sp - 1];
        int64_t end = first_edge[v + 1];
        int pushed = 0;
        while (e < end) {
            if (e + 8 < end) HS_PREFETCH(&dfnum[edge_to[e + 8]]);
            uint32_t w = edge_to[e];
            if (!essential(edge_type[e], v, root, weak_type, shortcut_type)) { target[e++] = -1; continue; }
            int32_t wk = dfnum[w];
            if (wk >= 0) {
                target[e++] = wk;
                continue;
            }
            wk = count++;
            target[e++] = -1; /* the tree edge: parent[wk] stands for it below */
            stack_edge[sp - 1] = e;
            dfnum[w] = wk;
            order[wk] = w;
            parent[wk] = dfnum[v];
            stack[sp] = (int32_t)w;
            stack_edge[sp] = first_edge[w];
            sp++;
            pushed = 1;
            break;
        }
        if (!pushed) sp--;
    }
    int32_t reached = count;
    side_finish(&helper);

    /* Predecessor lists in DFS-number space, laid out by the helper's counts. The tree
       edge into each node is left out (parent[] has it; about a third of all edges in
       a heap), and edges into the root never matter, so its list stays empty. */
    uint32_t *pred_start = (uint32_t *)stack_edge;
    pred_start[0] = 0;
    pred_start[1] = 0;
    for (int32_t k = 1; k < reached; k++) pred_start[k + 1] = pred_start[k] + in_count[order[k]] - 1;
    free(in_count);
    memcpy(pred_end, pred_start, sizeof(uint32_t) * (size_t)(reached + 1));
    {
        int32_t middle = reached > 2 ? reached / 2 : 1;
        hs_preds_job halves[2] = {
            {node_count, first_edge, dfnum, target, pred_end, preds, 1, middle},
            {node_count, first_edge, dfnum, target, pred_end, preds, middle, reached},
        };
        hs_side_task other;
        side_start(&other, hs_fill_preds, &halves[1]);
        hs_fill_preds(&halves[0]);
        side_finish(&other);
    }
    if (!forest_in_target) free(target);

    /* Unreachable objects are credited to the root, as DevTools does. */
    uint64_t unreachable_size = 0;
    if (self_size) {
        for (int64_t v = 0; v < node_count; v++)
            if (dfnum[v] < 0) unreachable_size += self_size[v];
    }
    free(dfnum);
    hs_side_task defaults;
    side_start(&defaults, hs_output_defaults, &job);

    /* Semidominators, in reverse preorder; the forest is linked along DFS tree edges. */
    for (int32_t k = 0; k < reached; k++) {
        forest[k].ancestor = -1;
        forest[k].best = k;
    }
    for (int32_t w = reached - 1; w >= 1; w--) {
        /* The DFS parent is a predecessor left out of the lists: it is not linked yet
           (its number is smaller), so it evaluates to itself, and it is less than w. */
        int32_t best = parent[w];
        uint32_t last = pred_end[w];
        for (uint32_t r = pred_start[w]; r < last; r++) {
            if (r + 4 < last) HS_PREFETCH(&forest[preds[r + 4]]);
            int32_t candidate = eval_best(preds[r], forest, stack);
            if (candidate < best) best = candidate;
        }
        semi[w] = best;
        forest[w].best = best;
        forest[w].ancestor = parent[w];
    }
    free(preds); free(pred_end);

    /* Immediate dominator = nearest ancestor of the DFS parent whose number is <= semi. */
    int32_t *dom = parent; /* reuse: dom[w] starts as parent[w] and only moves up */
    dom[0] = 0;
    for (int32_t w = 1; w < reached; w++) {
        int32_t d = dom[w];
        while (d > semi[w]) d = dom[d];
        dom[w] = d;
    }
    side_finish(&defaults);
    hs_scatter_job scatter = {reached, order, dom, idom};
    hs_side_task scattering;
    side_start(&scattering, hs_scatter_idom, &scatter);

    /* Retained sizes, summed up the dominator tree in DFS-number space (a dominator's
       number is always smaller, and mostly close), then scattered back to nodes; the
       unreachable nodes already hold their own size (hs_output_defaults). */
    if (self_size && retained) {
        uint64_t *sum = (uint64_t *)stack_edge; /* the list starts are no longer needed */
        for (int32_t k = 0; k < reached; k++) sum[k] = self_size[order[k]];
        sum[0] += unreachable_size;
        for (int32_t k = reached - 1; k >= 1; k--) sum[dom[k]] += sum[k];
        for (int32_t k = 0; k < reached; k++) retained[order[k]] = sum[k];
    }
    side_finish(&scattering);

    free(forest_memory); free(parent); free(stack); free(stack_edge);
    return reached;
}

/*
 * For DevTools-style per-class retained sizes: mark the nodes none of whose dominators
 * has the same class, so nested members (arrays of arrays, linked lists) are not
 * counted twice. A DFS over the dominator tree with a per-class "open ancestors"
 * counter; children lists are built by counting sort over idom.
 * Returns 0, -1 if memory could not be allocated, HS_CORRUPT when a dominator is not a
 * node, a class not below `class_count`, or the root not a node.
 */
HS_EXPORT int hs_class_top_level(int64_t node_count, int64_t root, const uint32_t *idom, const int32_t *classes,
                                 int64_t class_count, uint8_t *top_level) {
    if (node_count <= 0 || root < 0 || root >= node_count || class_count <= 0) return HS_CORRUPT;
    {
        uint32_t highest_idom = 0;
        int32_t lowest_class = 0, highest_class = 0;
        for (int64_t v = 0; v < node_count; v++) {
            highest_idom = idom[v] > highest_idom ? idom[v] : highest_idom;
            lowest_class = classes[v] < lowest_class ? classes[v] : lowest_class;
            highest_class = classes[v] > highest_class ? classes[v] : highest_class;
        }
        if ((int64_t)highest_idom >= node_count || lowest_class < 0 || (int64_t)highest_class >= class_count)
            return HS_CORRUPT;
    }
    size_t n = (size_t)(node_count > 0 ? node_count : 1);
    int64_t *first = (int64_t *)calloc(n + 1, sizeof(int64_t));
    uint32_t *kids = (uint32_t *)malloc(sizeof(uint32_t) * n);
    int32_t *open = (int32_t *)calloc((size_t)(class_count > 0 ? class_count : 1), sizeof(int32_t));
    uint32_t *stack = (uint32_t *)malloc(sizeof(uint32_t) * n);
    int64_t *cursor = (int64_t *)malloc(sizeof(int64_t) * n);
    if (!first || !kids || !open || !stack || !cursor) {
        free(first); free(kids); free(open); free(stack); free(cursor);
        return -1;
    }
    for (int64_t v = 0; v < node_count; v++) if (v != root) first[idom[v] + 1]++;
    for (int64_t v = 0; v < node_count; v++) first[v + 1] += first[v];
    int64_t *fill = cursor; /* reuse as fill pointers first */
    for (int64_t v = 0; v < node_count; v++) fill[v] = first[v];
    for (int64_t v = 0; v < node_count; v++) if (v != root) kids[fill[idom[v]]++] = (uint32_t)v;
    for (int64_t v = 0; v < node_count; v++) top_level[v] = 0;
    int64_t sp = 0;
    stack[sp] = (uint32_t)root;
    cursor[sp] = first[root];
    sp++;
    top_level[root] = 1;
    open[classes[root]]++;
    while (sp > 0) {
        uint32_t v = stack[sp - 1];
        if (cursor[sp - 1] < first[v + 1]) {
            uint32_t w = kids[cursor[sp - 1]++];
            top_level[w] = open[classes[w]] == 0;
            open[classes[w]]++;
            stack[sp] = w;
            cursor[sp] = first[w];
            sp++;
        } else {
            open[classes[v]]--;
            sp--;
        }
    }
    free(first); free(kids); free(open); free(stack); free(cursor);
    return 0;
}

/*
 * Per node, the nearest node on its dominator chain (itself included) that is marked; the
 * root counts as marked. One pass in DFS preorder, where every node's immediate dominator
 * (an ancestor in the DFS tree) comes before it; nodes the DFS never reached hang off the
 * root. Returns HS_CORRUPT when an ordinal is out of range.
 */
HS_EXPORT int hs_nearest_marked(int64_t node_count, int64_t root, const uint32_t *order, int64_t order_count,
                                const uint32_t *idom, const uint8_t *marked, uint32_t *owner) {
    if (root < 0 || root >= node_count || order_count > node_count) return HS_CORRUPT;
    for (int64_t v = 0; v < node_count; v++) owner[v] = marked[v] ? (uint32_t)v : (uint32_t)root;
    owner[root] = (uint32_t)root;
    for (int64_t i = 0; i < order_count; i++) {
        uint32_t v = order[i];
        if ((int64_t)v >= node_count) return HS_CORRUPT;
        if ((int64_t)v == root || marked[v]) continue;
        uint32_t up = idom[v];
        if ((int64_t)up >= node_count) return HS_CORRUPT;
        owner[v] = owner[up];
    }
    return 0;
}

/*
 * Which nodes can only be reached through a few blocked nodes (the containers whose growth
 * is measured). state[v] = 1: reached from the root over essential edges without entering a
 * blocked node; 3: a blocked node an edge from such a node enters; 2: reached only past
 * blocked nodes (a second BFS from the entered ones); 0: not reached at all. Dominators of
 * the 2/3 nodes are then those of the small graph they form under one root that stands for
 * every 1 node. The first walk takes one level at a time, each level's nodes sorted, so
 * their edges are read in ascending order (10 % less time on a 1.9 M-node heap than in the
 * order they were found). Returns 0, -1 (no memory) or HS_CORRUPT.
 */
HS_EXPORT int hs_reach_past(int64_t node_count, int64_t edge_count, int64_t root, const int64_t *first_edge,
                            const uint32_t *edge_to, int graph_checked, const uint8_t *edge_type, int weak_type,
                            int shortcut_type, const uint8_t *blocked, uint8_t *state) {
    if (check_graph(node_count, edge_count, root, first_edge, edge_to, graph_checked)) return HS_CORRUPT;
    for (int64_t i = 0; i < node_count; i++) state[i] = 0;
    uint32_t *queue = (uint32_t *)malloc(sizeof(uint32_t) * (size_t)node_count);
    if (!queue) return -1;
    uint32_t *spare = NULL; /* room to sort a level in when the queue has none left */
    int64_t head = 0, tail = 0, entered = 0;
    uint32_t *past = NULL; /* the entered blocked nodes, kept at the queue's far end */
    state[root] = 1;
    queue[tail++] = (uint32_t)root;
    int64_t level_end = tail;
    uint32_t highest = 0;
    while (head < tail) {
        if (head == level_end) {
            /* The level to sort is [head, tail); the queue past its tail, up to the entered
               nodes at its far end, is free until the next level is found. */
            uint32_t *scratch = queue + tail;
            if (node_count - entered - tail < tail - head) {
                if (!spare) spare = (uint32_t *)malloc(sizeof(uint32_t) * (size_t)node_count);
                if (!spare) { free(queue); return -1; }
                scratch = spare;
            }
            sort_nodes(queue + head, scratch, tail - head, highest);
            level_end = tail;
            highest = 0;
        }
        /* As in bfs_levels: the offsets and edges of the nodes a few places ahead. */
        if (head + 4 < tail) HS_PREFETCH(&first_edge[queue[head + 4]]);
        if (head + 2 < tail) {
            int64_t ahead = first_edge[queue[head + 2]];
            HS_PREFETCH(&edge_to[ahead]);
            HS_PREFETCH(&edge_type[ahead]);
        }
        uint32_t v = queue[head++];
        int64_t end = first_edge[v + 1];
        for (int64_t e = first_edge[v]; e < end; e++) {
            if (!essential(edge_type[e], v, root, weak_type, shortcut_type)) continue;
            uint32_t w = edge_to[e];
            if (state[w]) continue;
            if (blocked[w]) {
                state[w] = 3;
                entered++;
                queue[node_count - entered] = w; /* tail + entered never exceeds node_count */
            } else {
                state[w] = 1;
                queue[tail++] = w;
                highest = w > highest ? w : highest;
            }
        }
    }
    free(spare);
    past = queue + (node_count - entered);
    /* Second BFS from the entered blocked nodes; its queue reuses the front of the buffer. */
    head = 0;
    tail = 0;
    for (int64_t k = 0; k < entered; k++) queue[tail++] = past[k];
    while (head < tail) {
        uint32_t v = queue[head++];
        for (int64_t e = first_edge[v]; e < first_edge[v + 1]; e++) {
            if (!essential(edge_type[e], v, root, weak_type, shortcut_type)) continue;
            uint32_t w = edge_to[e];
            if (state[w]) continue;
            state[w] = 2;
            queue[tail++] = w;
        }
    }
    free(queue);
    return 0;
}

/* ---------------------------------------------------------------- ids */

/*
 * The id lookup of one snapshot. V8 numbers heap objects 1, 3, 5, ... in allocation order, so
 * nearly every id is odd and below a small multiple of the node count: a table with one slot per
 * odd id below `bound` (slot id >> 1) holding its node's ordinal, or -1, answers those in one
 * read. The other ids (even ones: native objects can carry address-like ids; ids at or above
 * the bound) are listed aside, for a binary search over them sorted.
 *
 * `ids` holds uint64 values when `wide`, else uint32. The ordinals go into int32 slots, so a
 * table needs fewer than 2^31 nodes and a bound of at most 2^32 (the caller lists every id aside
 * past that).
 */
#define HS_TABLED(v, bound) (((v) & 1) && (v) < (bound))

/*
 * How many slots the table of `ids` needs (one past the highest slot used, 0 for none); the
 * number of ids it leaves aside goes to *others. HS_CORRUPT for a count or bound it cannot take.
 */
HS_EXPORT int64_t hs_id_slots(int64_t count, const void *ids, int wide, int64_t bound, int64_t *others) {
    if (count < 0 || bound < 0 || bound > ((int64_t)1 << 32) || (bound > 0 && count > INT32_MAX)) return HS_CORRUPT;
    uint64_t limit = (uint64_t)bound, highest = 0;
    int64_t aside = 0, used = 0;
    for (int64_t i = 0; i < count; i++) {
        uint64_t v = wide ? ((const uint64_t *)ids)[i] : (uint64_t)((const uint32_t *)ids)[i];
        if (HS_TABLED(v, limit)) {
            highest = v > highest ? v : highest;
            used = 1;
        } else {
            aside++;
        }
    }
    *others = aside;
    return used ? (int64_t)(highest >> 1) + 1 : 0;
}

/*
 * Fill the table hs_id_slots sized (`slots` of them) and the ordinals of the ids it leaves aside,
 * in ordinal order (`other_count` of them). Should an id repeat, its first node wins the slot.
 * Returns 0, or HS_CORRUPT when the sizes are not the ones hs_id_slots gave for these ids.
 */
HS_EXPORT int hs_id_table(int64_t count, const void *ids, int wide, int64_t bound, int32_t *table, int64_t slots,
                          int64_t *other_nodes, int64_t other_count) {
    if (count < 0 || bound < 0 || bound > ((int64_t)1 << 32) || (bound > 0 && count > INT32_MAX) || slots < 0 ||
        other_count < 0)
        return HS_CORRUPT;
    uint64_t limit = (uint64_t)bound;
    int64_t aside = 0;
    for (int64_t s = 0; s < slots; s++) table[s] = -1;
    for (int64_t i = 0; i < count; i++) {
        uint64_t v = wide ? ((const uint64_t *)ids)[i] : (uint64_t)((const uint32_t *)ids)[i];
        if (HS_TABLED(v, limit)) {
            uint64_t s = v >> 1;
            if (s >= (uint64_t)slots) return HS_CORRUPT;
            if (table[s] < 0) table[s] = (int32_t)i;
        } else {
            if (aside >= other_count) return HS_CORRUPT;
            other_nodes[aside++] = i;
        }
    }
    return aside == other_count ? 0 : HS_CORRUPT;
}

/* The node of id `v`: the table's slot for an odd id inside it, else a binary search aside. */
static inline int64_t id_lookup(uint64_t v, const int32_t *table, uint64_t slots, const uint64_t *other_ids,
                                const int64_t *other_nodes, int64_t other_count) {
    if ((v & 1) && (v >> 1) < slots) return table[v >> 1];
    int64_t low = 0, high = other_count;
    while (low < high) {
        int64_t middle = low + (high - low) / 2;
        if (other_ids[middle] < v) low = middle + 1;
        else high = middle;
    }
    return low < other_count && other_ids[low] == v ? other_nodes[low] : -1;
}

/*
 * Look `count` ids (uint64 when `wide`, else uint32) up in one snapshot's table and its other
 * ids (`other_ids` ascending, `other_nodes` their ordinals). With `ordinals`, `out` gets each
 * id's node ordinal as int64, -1 when absent; without, one byte each: 1 when present. Only
 * the table and the other ids are read, each inside its given length, so any id values are
 * safe. Returns how many ids were found, or HS_CORRUPT for a negative length.
 */
HS_EXPORT int64_t hs_lookup_ids(int64_t count, const void *ids, int wide, const int32_t *table, int64_t slots,
                                const uint64_t *other_ids, const int64_t *other_nodes, int64_t other_count,
                                void *out, int ordinals) {
    if (count < 0 || slots < 0 || other_count < 0) return HS_CORRUPT;
    uint64_t size = (uint64_t)slots;
    int64_t found = 0;
    /* One loop per id width and output: no test of either per id. */
#define HS_LOOKUP_LOOP(ID_TYPE, STORE)                                                                         \
    for (int64_t i = 0; i < count; i++) {                                                                      \
        int64_t node = id_lookup(((const ID_TYPE *)ids)[i], table, size, other_ids, other_nodes, other_count); \
        found += node >= 0;                                                                                    \
        STORE;                                                                                                 \
    }
    if (wide && ordinals) HS_LOOKUP_LOOP(uint64_t, ((int64_t *)out)[i] = node)
    else if (wide) HS_LOOKUP_LOOP(uint64_t, ((uint8_t *)out)[i] = node >= 0)
    else if (ordinals) HS_LOOKUP_LOOP(uint32_t, ((int64_t *)out)[i] = node)
    else HS_LOOKUP_LOOP(uint32_t, ((uint8_t *)out)[i] = node >= 0)
#undef HS_LOOKUP_LOOP
    return found;
}

/* ---------------------------------------------------------------- classes */

/*
 * DevTools' Summary grouping of every node, in two passes and no per-node temporary: a node's
 * key is its name (a strings-table index) when its type's `type_key` is negative, else that
 * type's own key (the group keys follow the strings). The keys in use are numbered in key
 * order: `key_class` (`key_count` of them) gets each key's class, -1 for a key no node has, and
 * `class_index` each node's. Returns the number of classes, or HS_CORRUPT for a type, name or
 * key past its table.
 */
HS_EXPORT int64_t hs_class_index(int64_t node_count, const uint8_t *node_type, const uint32_t *node_name,
                                 int64_t type_count, const int64_t *type_key, int64_t key_count, int32_t *key_class,
                                 int32_t *class_index) {
    if (node_count < 0 || node_count > INT32_MAX || type_count < 0 || key_count < 0) return HS_CORRUPT;
    /* key = (name & name_mask[type]) + base[type], without a branch per node: the types mix in
       node order. A type past the table gets a key past the keys. */
    uint64_t name_mask[256], base[256];
    for (int t = 0; t < 256; t++) {
        int named = t < type_count && type_key[t] < 0;
        name_mask[t] = named ? UINT64_MAX : 0;
        base[t] = t >= type_count ? (uint64_t)key_count : named ? 0 : (uint64_t)type_key[t];
    }
    for (int64_t t = 0; t < type_count; t++)
        if (type_key[t] >= key_count) return HS_CORRUPT;
    for (int64_t k = 0; k < key_count; k++) key_class[k] = 0;
    for (int64_t v = 0; v < node_count; v++) {
        uint8_t t = node_type[v];
        uint64_t k = (node_name[v] & name_mask[t]) + base[t];
        if (k >= (uint64_t)key_count) return HS_CORRUPT;
        key_class[k] = 1;
    }
    int32_t classes = 0;
    for (int64_t k = 0; k < key_count; k++) key_class[k] = key_class[k] ? classes++ : -1;
    for (int64_t v = 0; v < node_count; v++) {
        uint8_t t = node_type[v];
        class_index[v] = key_class[(node_name[v] & name_mask[t]) + base[t]];
    }
    return classes;
}

#ifndef HS_KERNEL_ONLY
static struct PyModuleDef kernels_module = {PyModuleDef_HEAD_INIT, .m_name = "_kernels",
                                            .m_doc = "Compiled heap-graph kernels, called through ctypes.",
                                            .m_size = -1};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&kernels_module); }
#endif
