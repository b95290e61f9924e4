#pragma once

#include <glib.h>

#include "enlarge-image.h"

G_BEGIN_DECLS

/* One tile: the input region it produces output for (@core), the input
 * region it reads (@read = core plus the margin, clipped to the image) and
 * how much mirror padding completes the margin at image borders. */
typedef struct {
  EnlargeRect core;
  EnlargeRect read;
  int pad_left, pad_top, pad_right, pad_bottom;
} EnlargeTile;

typedef struct {
  EnlargeTile *tiles;
  int n_tiles;
  /* the grid below a lead row (see enlarge_tile_plan_new_full); @rows
   * counts the lead row, whose tiles come first */
  int columns, rows;
  int lead;
  int tile_size;
  int margin;
} EnlargeTilePlan;

/* A pure function: splits a width x height image into tiles of at most
 * @tile_size input pixels a side (0 = one tile), each read with @margin
 * pixels of context on every side. Tiles cover the image exactly once.
 * Tile sizes are rounded up to a multiple of @align where possible. */
EnlargeTilePlan *enlarge_tile_plan_new (int width, int height,
                                        int tile_size, int margin, int align);
/* The same with a @lead × @lead first tile, and the rest of a first row
 * @lead pixels high after it (when the image needs more than one tile,
 * is higher than @lead and @lead < @tile_size; 0 = none): the first
 * result shows within a second even with big tiles and deep networks. */
EnlargeTilePlan *enlarge_tile_plan_new_full (int width, int height, int tile_size, int margin,
                                             int align, int lead);
/* The same, with the column widths chosen so that tiles read (margins
 * included) as few blocks of @block pixels as the same number of columns
 * allows (enlarge_backend_get_width_block; 1: balanced, as above) */
EnlargeTilePlan *enlarge_tile_plan_new_blocked (int width, int height, int tile_size,
                                                int margin, int align, int lead, int block);
void enlarge_tile_plan_free (EnlargeTilePlan *plan);

/* Mirror index (reflect without repeating the edge pixel, folding as often
 * as needed, so it works for any padding on any size >= 1). */
int enlarge_mirror_index (int i, int n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EnlargeTilePlan, enlarge_tile_plan_free)

G_END_DECLS
