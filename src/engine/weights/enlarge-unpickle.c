/* The allow-listed unpickler (see enlarge-unpickle.h).
 *
 * The opcodes are those CPython's pickletools documents; torch.save writes
 * protocol 2 and newer tools protocol 4, so both sets' data opcodes are
 * here. Opcodes that build arbitrary objects (INST, OBJ, NEWOBJ, EXT*),
 * the text-protocol ones torch never writes and anything unknown are
 * refused by name. */

#include <string.h>

#include "enlarge-unpickle.h"

/* Pickle strings longer than this are not tensor names or metadata. */
#define MAX_GLOBAL_LINE 256

struct _Pkl {
  GPtrArray *values;            /* every value, owned */
  GPtrArray *storages;          /* PV_STORAGE, first-seen order */
  GHashTable *storage_by_key;   /* key → PV_STORAGE */
};

static void
value_free (gpointer p)
{
  PklValue *v = p;

  switch (v->kind)
    {
    case PV_STR:
      g_free (v->str);
      break;
    case PV_TUPLE:
    case PV_LIST:
    case PV_DICT:
      g_ptr_array_unref (v->items);
      break;
    case PV_STORAGE:
      g_free (v->storage.key);
      break;
    default:
      break;
    }
  g_free (v);
}

Pkl *
pkl_new (void)
{
  Pkl *pkl = g_new0 (Pkl, 1);
  pkl->values = g_ptr_array_new_with_free_func (value_free);
  pkl->storages = g_ptr_array_new ();
  pkl->storage_by_key = g_hash_table_new (g_str_hash, g_str_equal);
  return pkl;
}

void
pkl_free (Pkl *pkl)
{
  if (pkl == NULL)
    return;
  g_hash_table_unref (pkl->storage_by_key);
  g_ptr_array_unref (pkl->storages);
  g_ptr_array_unref (pkl->values);
  g_free (pkl);
}

GPtrArray *
pkl_storages (Pkl *pkl)
{
  return pkl->storages;
}

PklValue *
pkl_lookup_storage (Pkl *pkl, const char *key)
{
  return g_hash_table_lookup (pkl->storage_by_key, key);
}

static PklValue *
value_new (Pkl *pkl, PklKind kind)
{
  PklValue *v = g_new0 (PklValue, 1);
  v->kind = kind;
  if (kind == PV_TUPLE || kind == PV_LIST || kind == PV_DICT)
    v->items = g_ptr_array_new ();
  g_ptr_array_add (pkl->values, v);
  return v;
}

static const char *
kind_name (PklKind kind)
{
  static const char *const names[] = {
    "None", "bool", "int", "float", "str", "tuple", "list", "dict",
    "global", "storage", "tensor",
  };
  return (guint) kind < G_N_ELEMENTS (names) ? names[kind] : "?";
}

/* Every opcode pickletools knows, so a refusal names what it saw. */
static const char *
opcode_name (guint8 op)
{
  static const struct {
    guint8 op;
    const char *name;
  } names[] = {
    { '(', "MARK" }, { '.', "STOP" }, { '0', "POP" }, { '1', "POP_MARK" }, { '2', "DUP" },
    { 'F', "FLOAT" }, { 'I', "INT" }, { 'J', "BININT" }, { 'K', "BININT1" }, { 'L', "LONG" },
    { 'M', "BININT2" }, { 'N', "NONE" }, { 'P', "PERSID" }, { 'Q', "BINPERSID" },
    { 'R', "REDUCE" }, { 'S', "STRING" }, { 'T', "BINSTRING" }, { 'U', "SHORT_BINSTRING" },
    { 'V', "UNICODE" }, { 'X', "BINUNICODE" }, { 'a', "APPEND" }, { 'b', "BUILD" },
    { 'c', "GLOBAL" }, { 'd', "DICT" }, { '}', "EMPTY_DICT" }, { 'e', "APPENDS" },
    { 'g', "GET" }, { 'h', "BINGET" }, { 'i', "INST" }, { 'j', "LONG_BINGET" }, { 'l', "LIST" },
    { ']', "EMPTY_LIST" }, { 'o', "OBJ" }, { 'p', "PUT" }, { 'q', "BINPUT" },
    { 'r', "LONG_BINPUT" }, { 's', "SETITEM" }, { 't', "TUPLE" }, { ')', "EMPTY_TUPLE" },
    { 'u', "SETITEMS" }, { 'G', "BINFLOAT" }, { 'B', "BINBYTES" }, { 'C', "SHORT_BINBYTES" },
    { 0x80, "PROTO" }, { 0x81, "NEWOBJ" }, { 0x82, "EXT1" }, { 0x83, "EXT2" }, { 0x84, "EXT4" },
    { 0x85, "TUPLE1" }, { 0x86, "TUPLE2" }, { 0x87, "TUPLE3" }, { 0x88, "NEWTRUE" },
    { 0x89, "NEWFALSE" }, { 0x8a, "LONG1" }, { 0x8b, "LONG4" }, { 0x8c, "SHORT_BINUNICODE" },
    { 0x8d, "BINUNICODE8" }, { 0x8e, "BINBYTES8" }, { 0x8f, "EMPTY_SET" }, { 0x90, "ADDITEMS" },
    { 0x91, "FROZENSET" }, { 0x92, "NEWOBJ_EX" }, { 0x93, "STACK_GLOBAL" }, { 0x94, "MEMOIZE" },
    { 0x95, "FRAME" }, { 0x96, "BYTEARRAY8" }, { 0x97, "NEXT_BUFFER" },
    { 0x98, "READONLY_BUFFER" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (names[i].op == op)
      return names[i].name;
  return "unknown";
}

/* The only globals a state dict needs. */
static const struct {
  const char *module, *name;
  PklGlobalKind kind;
  EnlargeDtype dtype;
} allowed_globals[] = {
  { "collections", "OrderedDict", PG_ORDERED_DICT, 0 },
  { "torch._utils", "_rebuild_tensor_v2", PG_REBUILD_TENSOR, 0 },
  { "torch._utils", "_rebuild_tensor", PG_REBUILD_TENSOR, 0 },
  { "torch._utils", "_rebuild_parameter", PG_REBUILD_PARAMETER, 0 },
  { "torch._utils", "_rebuild_parameter_with_state", PG_REBUILD_PARAMETER, 0 },
  { "torch", "FloatStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_F32 },
  { "torch", "HalfStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_F16 },
  { "torch", "BFloat16Storage", PG_STORAGE_TYPE, ENLARGE_DTYPE_BF16 },
  { "torch", "DoubleStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_F64 },
  { "torch", "LongStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_I64 },
  { "torch", "IntStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_I32 },
  { "torch", "ShortStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_I16 },
  { "torch", "CharStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_I8 },
  { "torch", "ByteStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_U8 },
  { "torch", "BoolStorage", PG_STORAGE_TYPE, ENLARGE_DTYPE_BOOL },
};

/* One pickle being read. */
typedef struct {
  Pkl *pkl;
  const guint8 *data;
  gsize len, pos, base;
  gsize op_pos;                 /* offset of the opcode being run */
  GPtrArray *stack;
  GArray *marks;                /* stack lengths at each MARK */
  GHashTable *memo;             /* index → value */
} Reader;

#define FAIL(r, error, ...)                                                    \
  G_STMT_START {                                                               \
    g_autofree char *msg_ = g_strdup_printf (__VA_ARGS__);                     \
    EW_CORRUPT (error, "pickle offset %" G_GSIZE_FORMAT ": %s",               \
                (r)->base + (r)->op_pos, msg_);                                \
    return FALSE;                                                              \
  } G_STMT_END

static gboolean
need (Reader *r, gsize n, GError **error)
{
  if (r->len - r->pos >= n)
    return TRUE;
  FAIL (r, error, "truncated (%s needs %" G_GSIZE_FORMAT " more bytes)",
        opcode_name (r->data[r->op_pos]), n);
}

static PklValue *
pop (Reader *r)
{
  return g_ptr_array_steal_index (r->stack, r->stack->len - 1);
}

static gboolean
need_stack (Reader *r, guint n, GError **error)
{
  guint floor = r->marks->len ? g_array_index (r->marks, guint, r->marks->len - 1) : 0;

  if (r->stack->len >= floor + n)
    return TRUE;
  FAIL (r, error, "%s needs %u values on the stack", opcode_name (r->data[r->op_pos]), n);
}

/* Pops the top MARK; *@start is where its items begin on the stack. */
static gboolean
pop_mark (Reader *r, guint *start, GError **error)
{
  if (r->marks->len == 0)
    FAIL (r, error, "%s without a MARK", opcode_name (r->data[r->op_pos]));
  *start = g_array_index (r->marks, guint, r->marks->len - 1);
  g_array_set_size (r->marks, r->marks->len - 1);
  return TRUE;
}

static gboolean
push_string (Reader *r, gsize n, GError **error)
{
  const char *s = (const char *) r->data + r->pos;
  PklValue *v;

  if (!need (r, n, error))
    return FALSE;
  if (memchr (s, '\0', n) != NULL || !g_utf8_validate_len (s, n, NULL))
    FAIL (r, error, "a string with a NUL byte or invalid UTF-8");
  v = value_new (r->pkl, PV_STR);
  v->str = g_strndup (s, n);
  r->pos += n;
  g_ptr_array_add (r->stack, v);
  return TRUE;
}

static void
push_int (Reader *r, PklKind kind, gint64 i)
{
  PklValue *v = value_new (r->pkl, kind);
  v->i = i;
  g_ptr_array_add (r->stack, v);
}

static gboolean
push_global (Reader *r, const char *module, const char *name, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (allowed_globals); i++)
    if (strcmp (module, allowed_globals[i].module) == 0 && strcmp (name, allowed_globals[i].name) == 0)
      {
        PklValue *v = value_new (r->pkl, PV_GLOBAL);
        v->global.kind = allowed_globals[i].kind;
        v->global.dtype = allowed_globals[i].dtype;
        g_ptr_array_add (r->stack, v);
        return TRUE;
      }
  {
    g_autofree char *m = g_utf8_make_valid (module, -1);
    g_autofree char *n = g_utf8_make_valid (name, -1);
    g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                 "pickle offset %" G_GSIZE_FORMAT ": global %s.%s is not allowed in a "
                 "state dict (the file holds more than weights)", r->base + r->op_pos, m, n);
  }
  return FALSE;
}

/* GLOBAL's operand: two newline-terminated lines. */
static gboolean
read_line (Reader *r, char **out, GError **error)
{
  const guint8 *start = r->data + r->pos;
  gsize avail = MIN (r->len - r->pos, MAX_GLOBAL_LINE);
  const guint8 *nl = memchr (start, '\n', avail);

  if (nl == NULL)
    FAIL (r, error, "GLOBAL without a complete module and name");
  *out = g_strndup ((const char *) start, nl - start);
  r->pos += nl - start + 1;
  return TRUE;
}

static gboolean
int_of (PklValue *v, gint64 *out)
{
  if (v->kind != PV_INT && v->kind != PV_BOOL)
    return FALSE;
  *out = v->i;
  return TRUE;
}

/* ('storage', storage type, key, location, numel[, None]) */
static gboolean
persistent_load (Reader *r, PklValue *pid, GError **error)
{
  PklValue *type, *key, *storage;
  GPtrArray *t = pid->items;
  gint64 numel;

  if (pid->kind != PV_TUPLE)
    FAIL (r, error, "persistent id is a %s, not a tuple", kind_name (pid->kind));
  if (t->len != 5 && t->len != 6)
    FAIL (r, error, "persistent id has %u items, not 5 or 6", t->len);
  if (((PklValue *) t->pdata[0])->kind != PV_STR || strcmp (((PklValue *) t->pdata[0])->str, "storage") != 0)
    FAIL (r, error, "persistent id is not a storage");
  type = t->pdata[1];
  key = t->pdata[2];
  if (type->kind != PV_GLOBAL || type->global.kind != PG_STORAGE_TYPE)
    FAIL (r, error, "storage type is a %s, not a torch storage class", kind_name (type->kind));
  if (key->kind != PV_STR || ((PklValue *) t->pdata[3])->kind != PV_STR)
    FAIL (r, error, "storage key or location is not a string");
  if (!int_of (t->pdata[4], &numel) || numel < 0)
    FAIL (r, error, "storage %s: its size is not a non-negative integer", key->str);
  if (t->len == 6 && ((PklValue *) t->pdata[5])->kind != PV_NONE)
    {
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
                   "pickle offset %" G_GSIZE_FORMAT ": storage %s is a view into another "
                   "storage, which this reader does not support", r->base + r->op_pos, key->str);
      return FALSE;
    }

  storage = g_hash_table_lookup (r->pkl->storage_by_key, key->str);
  if (storage == NULL)
    {
      storage = value_new (r->pkl, PV_STORAGE);
      storage->storage.dtype = type->global.dtype;
      storage->storage.key = g_strdup (key->str);
      storage->storage.numel = numel;
      g_hash_table_insert (r->pkl->storage_by_key, storage->storage.key, storage);
      g_ptr_array_add (r->pkl->storages, storage);
    }
  else if (storage->storage.dtype != type->global.dtype || storage->storage.numel != numel)
    FAIL (r, error, "storage %s is referred to with two different types or sizes", key->str);
  g_ptr_array_add (r->stack, storage);
  return TRUE;
}

static gboolean
int_tuple (PklValue *v, gint64 *out, guint *n)
{
  if (v->kind != PV_TUPLE || v->items->len > ENLARGE_WEIGHTS_MAX_DIMS)
    return FALSE;
  for (guint i = 0; i < v->items->len; i++)
    if (!int_of (v->items->pdata[i], &out[i]))
      return FALSE;
  *n = v->items->len;
  return TRUE;
}

static gboolean
reduce (Reader *r, PklValue *callable, PklValue *args, GError **error)
{
  GPtrArray *a = args->items;
  PklValue *v;

  if (callable->kind != PV_GLOBAL)
    FAIL (r, error, "REDUCE calls a value of type %s", kind_name (callable->kind));
  if (args->kind != PV_TUPLE)
    FAIL (r, error, "REDUCE arguments are a %s, not a tuple", kind_name (args->kind));
  switch (callable->global.kind)
    {
    case PG_ORDERED_DICT:
      if (a->len != 0)
        FAIL (r, error, "OrderedDict with arguments");
      g_ptr_array_add (r->stack, value_new (r->pkl, PV_DICT));
      return TRUE;

    case PG_REBUILD_TENSOR:
      {
        guint n_shape = 0, n_stride = 0;

        /* (storage, offset, size, stride[, requires_grad, hooks, metadata]) */
        if (a->len < 4 || a->len > 7)
          FAIL (r, error, "_rebuild_tensor with %u arguments", a->len);
        v = value_new (r->pkl, PV_TENSOR);
        if (((PklValue *) a->pdata[0])->kind != PV_STORAGE)
          FAIL (r, error, "_rebuild_tensor of a %s, not a storage",
                kind_name (((PklValue *) a->pdata[0])->kind));
        v->tensor.storage = a->pdata[0];
        if (!int_of (a->pdata[1], &v->tensor.offset) ||
            !int_tuple (a->pdata[2], v->tensor.shape, &n_shape) ||
            !int_tuple (a->pdata[3], v->tensor.stride, &n_stride) || n_shape != n_stride)
          FAIL (r, error, "_rebuild_tensor: offset, size or stride is malformed "
                "(or has more than %d dimensions)", ENLARGE_WEIGHTS_MAX_DIMS);
        v->tensor.n_dims = n_shape;
        g_ptr_array_add (r->stack, v);
        return TRUE;
      }

    case PG_REBUILD_PARAMETER:
      /* (tensor, requires_grad, hooks[, state]): a Parameter is its tensor */
      if (a->len < 3 || a->len > 4 || ((PklValue *) a->pdata[0])->kind != PV_TENSOR)
        FAIL (r, error, "_rebuild_parameter without a tensor");
      g_ptr_array_add (r->stack, a->pdata[0]);
      return TRUE;

    case PG_STORAGE_TYPE:
      break;
    }
  FAIL (r, error, "REDUCE calls a storage class");
}

/* Runs one opcode. *@done on STOP. */
static gboolean
step (Reader *r, gboolean *done, GError **error)
{
  guint8 op;
  guint start;
  PklValue *v, *w;

  r->op_pos = r->pos;
  if (r->pos >= r->len)
    FAIL (r, error, "truncated before STOP");
  op = r->data[r->pos++];
  switch (op)
    {
    case 0x80: /* PROTO */
      if (!need (r, 1, error))
        return FALSE;
      if (r->data[r->pos] > 5)
        FAIL (r, error, "pickle protocol %u", r->data[r->pos]);
      r->pos++;
      return TRUE;
    case 0x95: /* FRAME: a length hint for buffered readers; all is in memory */
      if (!need (r, 8, error))
        return FALSE;
      r->pos += 8;
      return TRUE;
    case '.': /* STOP */
      if (r->stack->len == 0)
        FAIL (r, error, "STOP with an empty stack");
      *done = TRUE;
      return TRUE;

    case '}': /* EMPTY_DICT */
      g_ptr_array_add (r->stack, value_new (r->pkl, PV_DICT));
      return TRUE;
    case ']': /* EMPTY_LIST */
      g_ptr_array_add (r->stack, value_new (r->pkl, PV_LIST));
      return TRUE;
    case ')': /* EMPTY_TUPLE */
      g_ptr_array_add (r->stack, value_new (r->pkl, PV_TUPLE));
      return TRUE;
    case 'N': /* NONE */
      g_ptr_array_add (r->stack, value_new (r->pkl, PV_NONE));
      return TRUE;
    case 0x88: /* NEWTRUE */
    case 0x89: /* NEWFALSE */
      push_int (r, PV_BOOL, op == 0x88);
      return TRUE;
    case '(': /* MARK */
      g_array_append_val (r->marks, r->stack->len);
      return TRUE;

    case 'K': /* BININT1 */
      if (!need (r, 1, error))
        return FALSE;
      push_int (r, PV_INT, r->data[r->pos]);
      r->pos += 1;
      return TRUE;
    case 'M': /* BININT2 */
      if (!need (r, 2, error))
        return FALSE;
      push_int (r, PV_INT, ew_u16 (r->data + r->pos));
      r->pos += 2;
      return TRUE;
    case 'J': /* BININT */
      if (!need (r, 4, error))
        return FALSE;
      push_int (r, PV_INT, (gint32) ew_u32 (r->data + r->pos));
      r->pos += 4;
      return TRUE;
    case 0x8a: /* LONG1: n bytes of little-endian two's complement */
      {
        guint n;
        guint64 u = 0;

        if (!need (r, 1, error))
          return FALSE;
        n = r->data[r->pos++];
        if (!need (r, n, error))
          return FALSE;
        if (n > 8)
          {
            /* only the legacy format's magic number is this long; it is
             * checked on the raw bytes, so its value is not needed */
            r->pos += n;
            push_int (r, PV_NONE, 0);
            return TRUE;
          }
        for (guint i = 0; i < n; i++)
          u |= (guint64) r->data[r->pos + i] << (8 * i);
        if (n > 0 && n < 8 && (r->data[r->pos + n - 1] & 0x80))
          u |= ~(guint64) 0 << (8 * n);
        r->pos += n;
        push_int (r, PV_INT, (gint64) u);
        return TRUE;
      }
    case 'G': /* BINFLOAT, big-endian */
      {
        guint64 u = 0;

        if (!need (r, 8, error))
          return FALSE;
        for (int i = 0; i < 8; i++)
          u = (u << 8) | r->data[r->pos + i];
        r->pos += 8;
        v = value_new (r->pkl, PV_FLOAT);
        memcpy (&v->f, &u, 8);
        g_ptr_array_add (r->stack, v);
        return TRUE;
      }

    case 'X': /* BINUNICODE */
      if (!need (r, 4, error))
        return FALSE;
      r->pos += 4;
      return push_string (r, ew_u32 (r->data + r->pos - 4), error);
    case 0x8c: /* SHORT_BINUNICODE */
      if (!need (r, 1, error))
        return FALSE;
      r->pos += 1;
      return push_string (r, r->data[r->pos - 1], error);
    case 0x8d: /* BINUNICODE8 */
      {
        guint64 n;

        if (!need (r, 8, error))
          return FALSE;
        n = ew_u64 (r->data + r->pos);
        r->pos += 8;
        if (n > r->len - r->pos)
          FAIL (r, error, "string of %" G_GUINT64_FORMAT " bytes past the end", n);
        return push_string (r, (gsize) n, error);
      }

    case 'q': /* BINPUT */
    case 'r': /* LONG_BINPUT */
    case 0x94: /* MEMOIZE */
      {
        guint32 index;

        if (op == 0x94)
          index = g_hash_table_size (r->memo);
        else if (!need (r, op == 'q' ? 1 : 4, error))
          return FALSE;
        else
          {
            index = op == 'q' ? r->data[r->pos] : ew_u32 (r->data + r->pos);
            r->pos += op == 'q' ? 1 : 4;
          }
        if (r->stack->len == 0)
          FAIL (r, error, "%s with an empty stack", opcode_name (op));
        g_hash_table_insert (r->memo, GUINT_TO_POINTER (index),
                             g_ptr_array_index (r->stack, r->stack->len - 1));
        return TRUE;
      }
    case 'h': /* BINGET */
    case 'j': /* LONG_BINGET */
      {
        guint32 index;

        if (!need (r, op == 'h' ? 1 : 4, error))
          return FALSE;
        index = op == 'h' ? r->data[r->pos] : ew_u32 (r->data + r->pos);
        r->pos += op == 'h' ? 1 : 4;
        if (!g_hash_table_lookup_extended (r->memo, GUINT_TO_POINTER (index), NULL, (gpointer *) &v))
          FAIL (r, error, "%s of memo entry %u, which was never stored", opcode_name (op), index);
        g_ptr_array_add (r->stack, v);
        return TRUE;
      }

    case 'c': /* GLOBAL */
      {
        g_autofree char *module = NULL, *name = NULL;
        return read_line (r, &module, error) && read_line (r, &name, error) &&
               push_global (r, module, name, error);
      }
    case 0x93: /* STACK_GLOBAL */
      if (!need_stack (r, 2, error))
        return FALSE;
      w = pop (r);
      v = pop (r);
      if (v->kind != PV_STR || w->kind != PV_STR)
        FAIL (r, error, "STACK_GLOBAL of non-strings");
      return push_global (r, v->str, w->str, error);

    case 'Q': /* BINPERSID */
      if (!need_stack (r, 1, error))
        return FALSE;
      return persistent_load (r, pop (r), error);

    case 't': /* TUPLE */
      if (!pop_mark (r, &start, error))
        return FALSE;
      v = value_new (r->pkl, PV_TUPLE);
      for (guint i = start; i < r->stack->len; i++)
        g_ptr_array_add (v->items, r->stack->pdata[i]);
      g_ptr_array_set_size (r->stack, start);
      g_ptr_array_add (r->stack, v);
      return TRUE;
    case 0x85: /* TUPLE1 */
    case 0x86: /* TUPLE2 */
    case 0x87: /* TUPLE3 */
      {
        guint n = op - 0x84;

        if (!need_stack (r, n, error))
          return FALSE;
        v = value_new (r->pkl, PV_TUPLE);
        for (guint i = r->stack->len - n; i < r->stack->len; i++)
          g_ptr_array_add (v->items, r->stack->pdata[i]);
        g_ptr_array_set_size (r->stack, r->stack->len - n);
        g_ptr_array_add (r->stack, v);
        return TRUE;
      }

    case 'R': /* REDUCE */
      if (!need_stack (r, 2, error))
        return FALSE;
      w = pop (r);
      v = pop (r);
      return reduce (r, v, w, error);

    case 'b': /* BUILD: OrderedDict._metadata, tensor state; neither matters */
      if (!need_stack (r, 2, error))
        return FALSE;
      pop (r);
      v = g_ptr_array_index (r->stack, r->stack->len - 1);
      if (v->kind != PV_DICT && v->kind != PV_TENSOR)
        FAIL (r, error, "BUILD on a %s", kind_name (v->kind));
      return TRUE;

    case 's': /* SETITEM */
      if (!need_stack (r, 3, error))
        return FALSE;
      w = pop (r);
      v = pop (r);
      if (((PklValue *) g_ptr_array_index (r->stack, r->stack->len - 1))->kind != PV_DICT)
        FAIL (r, error, "SETITEM on a non-dict");
      g_ptr_array_add (((PklValue *) g_ptr_array_index (r->stack, r->stack->len - 1))->items, v);
      g_ptr_array_add (((PklValue *) g_ptr_array_index (r->stack, r->stack->len - 1))->items, w);
      return TRUE;
    case 'u': /* SETITEMS */
    case 'e': /* APPENDS */
      if (!pop_mark (r, &start, error))
        return FALSE;
      /* the container is the top of the frame below the MARK */
      if (start <= (r->marks->len ? g_array_index (r->marks, guint, r->marks->len - 1) : 0))
        FAIL (r, error, "%s with nothing below its MARK", opcode_name (op));
      v = g_ptr_array_index (r->stack, start - 1);
      if (v->kind != (op == 'u' ? PV_DICT : PV_LIST))
        FAIL (r, error, "%s on a %s", opcode_name (op), kind_name (v->kind));
      if (op == 'u' && (r->stack->len - start) % 2 != 0)
        FAIL (r, error, "SETITEMS with an odd number of values");
      for (guint i = start; i < r->stack->len; i++)
        g_ptr_array_add (v->items, r->stack->pdata[i]);
      g_ptr_array_set_size (r->stack, start);
      return TRUE;
    case 'a': /* APPEND */
      if (!need_stack (r, 2, error))
        return FALSE;
      w = pop (r);
      v = g_ptr_array_index (r->stack, r->stack->len - 1);
      if (v->kind != PV_LIST)
        FAIL (r, error, "APPEND on a %s", kind_name (v->kind));
      g_ptr_array_add (v->items, w);
      return TRUE;
    }

  g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_UNSUPPORTED,
               "pickle offset %" G_GSIZE_FORMAT ": opcode %s (0x%02x) is not allowed in a state dict",
               r->base + r->op_pos, opcode_name (op), op);
  return FALSE;
}

PklValue *
pkl_load (Pkl *pkl, const guint8 *data, gsize len, gsize base, gsize *consumed, GError **error)
{
  Reader r = { .pkl = pkl, .data = data, .len = len, .base = base };
  g_autoptr (GPtrArray) stack = g_ptr_array_new ();
  g_autoptr (GArray) marks = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr (GHashTable) memo = g_hash_table_new (NULL, NULL);
  gboolean done = FALSE;

  r.stack = stack;
  r.marks = marks;
  r.memo = memo;
  while (!done)
    if (!step (&r, &done, error))
      return NULL;
  *consumed = r.pos;
  return g_ptr_array_index (stack, stack->len - 1);
}

/* ---------- from the unpickled value to the state dict ---------- */

static PklValue *
dict_get (PklValue *dict, const char *key)
{
  for (guint i = 0; i + 1 < dict->items->len; i += 2)
    {
      PklValue *k = dict->items->pdata[i];
      if (k->kind == PV_STR && strcmp (k->str, key) == 0)
        return dict->items->pdata[i + 1];
    }
  return NULL;
}

/* Training checkpoints wrap the weights: BasicSR saves {"params_ema": …,
 * "params": …} (the EMA copy is the one to use), others "state_dict",
 * "model" or "net", or a dict with a single entry. */
static PklValue *
unwrap (PklValue *dict)
{
  static const char *const wrappers[] = { "params_ema", "params", "state_dict", "model", "net" };

  for (int depth = 0; depth < 8; depth++)
    {
      PklValue *next = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (wrappers) && next == NULL; i++)
        {
          PklValue *v = dict_get (dict, wrappers[i]);
          if (v != NULL && v->kind == PV_DICT)
            next = v;
        }
      if (next == NULL && dict->items->len == 2 &&
          ((PklValue *) dict->items->pdata[1])->kind == PV_DICT)
        next = dict->items->pdata[1];
      if (next == NULL || next == dict)
        break;
      dict = next;
    }
  return dict;
}

static gboolean
add_tensor (EnlargeWeights *w, const char *name, PklValue *v, PklResolve resolve,
            gpointer user_data, GError **error)
{
  PklValue *s = v->tensor.storage;
  EnlargeDtype dtype = s->storage.dtype;
  gsize esize = enlarge_dtype_size (dtype);
  guint n = v->tensor.n_dims;
  const gint64 *shape = v->tensor.shape, *stride = v->tensor.stride;
  gsize numel, n_bytes;
  guint64 last = 0, expect = 1;
  gboolean contiguous = TRUE;
  guint8 *gathered;

  if (s->storage.data == NULL && resolve != NULL && !resolve (user_data, s, name, error))
    return FALSE;
  if (s->storage.data == NULL)
    {
      EW_CORRUPT (error, "tensor %s: the data of storage %s is missing", name, s->storage.key);
      return FALSE;
    }
  if (!enlarge_weights_shape_size (shape, n, dtype, &numel, &n_bytes) || v->tensor.offset < 0)
    {
      EW_CORRUPT (error, "tensor %s: bad shape or storage offset", name);
      return FALSE;
    }
  if (numel == 0)
    return enlarge_weights_add (w, name, dtype, n, shape, s->storage.data, 0, error);

  /* The last element it reaches must lie inside the storage. */
  last = (guint64) v->tensor.offset;
  for (guint i = n; i-- > 0;)
    {
      if (stride[i] < 0 || (shape[i] > 1 && (guint64) stride[i] > G_MAXINT64 / (guint64) shape[i]))
        {
          EW_CORRUPT (error, "tensor %s: bad stride", name);
          return FALSE;
        }
      last += (guint64) (shape[i] - 1) * (guint64) stride[i];
      if (last > G_MAXINT64)
        {
          EW_CORRUPT (error, "tensor %s: bad stride", name);
          return FALSE;
        }
      if (shape[i] != 1 && (guint64) stride[i] != expect)
        contiguous = FALSE;
      expect *= (guint64) shape[i];
    }
  if (last >= (guint64) s->storage.numel)
    {
      EW_CORRUPT (error, "tensor %s: reaches element %" G_GUINT64_FORMAT " of storage %s, which has %"
                  G_GINT64_FORMAT, name, last, s->storage.key, s->storage.numel);
      return FALSE;
    }
  if (contiguous)
    return enlarge_weights_add (w, name, dtype, n, shape,
                                s->storage.data + (gsize) v->tensor.offset * esize, n_bytes, error);

  /* A strided view (a transpose, a slice) is copied out. Only views no
   * larger than their storage: an expanded one (stride 0) could ask for
   * far more memory than the file holds. */
  if (numel > (guint64) s->storage.numel)
    {
      EW_UNSUPPORTED (error, "tensor %s: an expanded view with more elements than its storage", name);
      return FALSE;
    }
  gathered = enlarge_weights_keep (w, g_malloc (n_bytes));
  {
    gint64 idx[ENLARGE_WEIGHTS_MAX_DIMS] = { 0 };
    for (gsize e = 0; e < numel; e++)
      {
        guint64 src = (guint64) v->tensor.offset;
        for (guint i = 0; i < n; i++)
          src += (guint64) idx[i] * (guint64) stride[i];
        memcpy (gathered + e * esize, s->storage.data + src * esize, esize);
        for (guint i = n; i-- > 0;)
          {
            if (++idx[i] < shape[i])
              break;
            idx[i] = 0;
          }
      }
  }
  return enlarge_weights_add (w, name, dtype, n, shape, gathered, n_bytes, error);
}

gboolean
pkl_add_state_dict (Pkl *pkl, PklValue *root, EnlargeWeights *w, PklResolve resolve,
                    gpointer user_data, GError **error)
{
  PklValue *dict;
  guint n_before = w->tensors->len;

  if (root->kind != PV_DICT)
    {
      EW_UNSUPPORTED (error, "the checkpoint holds a %s, not a dict of tensors", kind_name (root->kind));
      return FALSE;
    }
  dict = unwrap (root);
  for (guint i = 0; i + 1 < dict->items->len; i += 2)
    {
      PklValue *k = dict->items->pdata[i], *v = dict->items->pdata[i + 1];

      /* Other entries (an iteration count, nested optimizer state) are
       * not weights. */
      if (k->kind != PV_STR || v->kind != PV_TENSOR)
        continue;
      if (!add_tensor (w, k->str, v, resolve, user_data, error))
        return FALSE;
    }
  if (w->tensors->len == n_before)
    {
      g_autoptr (GString) keys = g_string_new (NULL);
      for (guint i = 0; i + 1 < dict->items->len && i < 16; i += 2)
        {
          PklValue *k = dict->items->pdata[i];
          g_string_append_printf (keys, "%s%s", i ? ", " : "", k->kind == PV_STR ? k->str : kind_name (k->kind));
        }
      g_set_error (error, ENLARGE_ERROR, ENLARGE_ERROR_WEIGHT_MISMATCH,
                   "the checkpoint has no tensors (its dict has: %s)", keys->len ? keys->str : "nothing");
      return FALSE;
    }
  return TRUE;
}
