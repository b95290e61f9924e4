/* enlarge-window-private.h: what the files of the main window share
 * (enlarge-window.c and its -actions, -controls, -dnd, -guards, -preview
 * and -queue parts), and the accessors the tests use. Only those files
 * and the tests include it. */

#pragma once

#include "enlarge-compare-view.h"
#include "enlarge-compare-window.h"
#include "enlarge-job.h"
#include "enlarge-queue.h"
#include "enlarge-window.h"

G_BEGIN_DECLS

/* What a save started by a question leads to. */
typedef enum {
  ENLARGE_AFTER_SAVE_NOTHING,
  ENLARGE_AFTER_SAVE_CLOSE,          /* the window */
  ENLARGE_AFTER_SAVE_SHOW_PENDING,   /* the image opened meanwhile */
} EnlargeAfterSave;

typedef void (*EnlargeAnswerFunc) (EnlargeWindow *self,
                                   const char    *response);

struct _EnlargeWindow
{
  AdwApplicationWindow parent_instance;

  /* template */
  AdwToastOverlay    *toast_overlay;
  AdwWindowTitle     *window_title;
  AdwFlap            *flap;
  GtkStack           *stack;
  EnlargeCompareView *compare_view;
  AdwComboRow        *preset_row;
  AdwComboRow        *model_row;
  GtkScale           *creativity_scale;
  GtkScale           *scale_scale;
  GtkScale           *target_scale;
  GtkAdjustment      *creativity_adjustment;
  GtkAdjustment      *scale_adjustment;
  GtkAdjustment      *target_adjustment;
  GtkLabel           *creativity_value;
  GtkLabel           *scale_value;
  GtkLabel           *target_value;
  GtkLabel           *summary_label;
  GtkToggleButton    *details_button;
  GtkLabel           *details_label;
  AdwComboRow        *size_row;
  GtkWidget          *fit_row;
  GtkAdjustment      *fit_width_adjustment;
  GtkAdjustment      *fit_height_adjustment;
  GtkCheckButton     *fit_snap_check;
  GtkLabel           *fit_note;
  GtkBox             *progress_box;
  GtkProgressBar     *progress_bar;
  GtkLabel           *progress_label;
  GtkLabel           *zoom_label;
  GtkWidget          *zoom_button;
  GtkLabel           *status_label;
  GtkWidget          *sidebar;
  GtkScrolledWindow  *sidebar_scroller;
  GtkWidget          *cancel_button;
  GtkWidget          *outdated_box;
  GtkWidget          *preview_hint;
  AdwPreferencesGroup *queue_group;
  GtkListBox         *queue_list;

  GSettings *settings;
  GPtrArray *model_ids;           /* installed models, as listed */
  guint      importing;           /* model files being imported */
  gboolean   applying;            /* set while code moves the controls */
  gboolean   sizing;              /* set while the size choice moves the scale */

  /* the image */
  GFile        *input_file;       /* NULL when pasted */
  EnlargeImage *input;
  GdkTexture   *input_texture;
  GCancellable *load_cancellable;

  /* the result */
  EnlargeImage       *result;
  GdkTexture         *result_texture;
  EnlargeJobSettings *result_settings;
  GFile              *saved_file;
  gboolean            saved;
  gboolean            saving;
  EnlargeAfterSave    after_save;
  gboolean            close_confirmed;

  /* the question shown (weak), what its answer does, and what waits for
   * it: an image opened while an unsaved result is shown, or a job over
   * the size that asks first */
  AdwMessageDialog   *question;
  EnlargeAnswerFunc   answer;
  EnlargeImage       *pending_input;
  GFile              *pending_file;
  EnlargeImage       *pending_result;
  GFile              *pending_result_file;
  gboolean            huge_confirmed;

  /* the running job */
  EnlargeJobSlot job;
  guint          restart_id;
  gint64         job_started;     /* monotonic µs */
  guint          pulse_id;        /* the bar pulses until a tile is done */

  guint toast_count;
  char *last_toast;

  GtkNativeDialog *file_chooser;  /* GtkFileChooserNative on GTK 4.8 */

  EnlargeCompareWindow *compare_window;  /* weak: open while shown */

  /* "Preview Region" (win.preview-region) */
  GSimpleAction *preview_action;
  gboolean       preview_mode;
  guint          preview_timeout_id;
  GCancellable  *preview_cancellable;   /* set while a preview runs */
  int            preview_out_width;     /* the full output of the running one */
  int            preview_out_height;
  EnlargeImage  *preview;               /* the last one shown */
  GdkTexture    *preview_texture;
  EnlargeRect    preview_rect;          /* where it lies in the output */
  double         preview_seconds;
  guint          preview_count;
  double         preview_region_pixels;     /* input pixels of the running one */
  double         preview_pixels_per_second; /* measured; 0 until then */

  /* several files: the queue and "Upscale All" */
  EnlargeQueue *queue;

  /* a video or an animation (enlarge-window-video.c): the frame shown is
   * self->input, a still for everything else the window does */
  GtkWidget     *video_bar;
  GtkScale      *video_scale;
  GtkAdjustment *video_adjustment;
  GtkLabel      *video_time;
  GtkWidget     *upscale_video_button;
  GtkButton     *upscale_button;          /* "Upscale Frame" for a video */
  struct _EnlargeWindowVideo *video;     /* NULL for a still */
  struct _EnlargeWindowVideo *video_pending;  /* opened, waiting for a question */
};

/* enlarge-window.c: state, jobs, loading */
void _enlarge_window_update_state     (EnlargeWindow *self);
void _enlarge_window_show_toast       (EnlargeWindow *self,
                                       const char    *text);
/* Shows @toast, whose message is @text, and says it to screen readers. */
void _enlarge_window_add_toast        (EnlargeWindow *self,
                                       AdwToast      *toast,
                                       const char    *text);
/* A dialog with a Close button, for failures the user must notice. */
void _enlarge_window_show_error       (EnlargeWindow *self,
                                       const char    *heading,
                                       const char    *body);
void _enlarge_window_start_job        (EnlargeWindow *self);
/* The progress note over the image: "Starting…", pulsing until the first
 * tile is done; then @done of @total tiles. */
void _enlarge_window_progress_start   (EnlargeWindow *self);
void _enlarge_window_progress_tiles   (EnlargeWindow *self,
                                       int            done,
                                       int            total);
/* The result was made with other settings than the controls show now. */
gboolean _enlarge_window_get_outdated (EnlargeWindow *self);
void _enlarge_window_stop_job         (EnlargeWindow *self);
/* A control changed: a running job starts over, the preview follows. */
void _enlarge_window_settings_changed (EnlargeWindow *self);
/* Loads @file (or the image in @bytes) off the main thread and shows it;
 * @result_file, when set, is shown as its saved result. */
void _enlarge_window_load             (EnlargeWindow *self,
                                       GFile         *file,
                                       GBytes        *bytes,
                                       GFile         *result_file);
/* The same, never as a video. */
void _enlarge_window_load_still       (EnlargeWindow *self,
                                       GFile         *file,
                                       GBytes        *bytes,
                                       GFile         *result_file);

/* Shows a loaded image (and a queue entry's saved @result, if any). */
void _enlarge_window_show_loaded      (EnlargeWindow *self,
                                       EnlargeImage  *image,
                                       GFile         *file,
                                       EnlargeImage  *result,
                                       GFile         *result_file);
gboolean _enlarge_window_get_unsaved  (EnlargeWindow *self);

/* enlarge-window-guards.c: the questions asked before the user's work or
 * time is lost */
/* Shows a loaded image, after asking when it would replace an unsaved
 * result. */
void     _enlarge_window_open_loaded   (EnlargeWindow *self,
                                        EnlargeImage  *image,
                                        GFile         *file,
                                        EnlargeImage  *result,
                                        GFile         *result_file);
void     _enlarge_window_show_pending  (EnlargeWindow *self);
void     _enlarge_window_drop_pending  (EnlargeWindow *self);
/* TRUE when the window may close now; otherwise a question is asked. */
gboolean _enlarge_window_may_close     (EnlargeWindow *self);
/* TRUE when a job of @settings may start now; otherwise (an estimate over
 * the thresholds of enlarge-window-guards.c) a question is asked, and its
 * Upscale starts the job. */
gboolean _enlarge_window_may_start     (EnlargeWindow            *self,
                                        const EnlargeJobSettings *settings);
void     _enlarge_window_guards_dispose (EnlargeWindow *self);

/* enlarge-window-actions.c: open, save, zoom, upscale, cancel, compare */
void _enlarge_window_class_actions_init (GtkWidgetClass *widget_class);
void _enlarge_window_save               (EnlargeWindow  *self);

/* enlarge-window-controls.c: presets, model and sliders */
void                _enlarge_window_controls_init    (EnlargeWindow *self);
EnlargeJobSettings *_enlarge_window_collect_settings (EnlargeWindow *self);
void                _enlarge_window_update_values    (EnlargeWindow *self);
void                _enlarge_window_update_summary   (EnlargeWindow *self);
/* A new picture: the preset its look suggests, unless the user's is Custom. */
void                _enlarge_window_suggest_preset   (EnlargeWindow *self);

/* enlarge-window-size.c: the result's size: 2×, 4×, the slider's factor
 * or fitted to a box */
void _enlarge_window_size_init  (EnlargeWindow *self);
/* Sets the scale factor the size choice asks for (the image, model or
 * target size changed). */
void _enlarge_window_apply_size (EnlargeWindow *self);

/* enlarge-window-dnd.c: drops and the clipboard */
void _enlarge_window_class_dnd_init (GtkWidgetClass *widget_class);
void _enlarge_window_dnd_init       (EnlargeWindow  *self);
/* Imports the model file @file (dropped): selected and told in a toast
 * when done, or the reason it was refused in a dialog. */
void enlarge_window_import_model    (EnlargeWindow  *self,
                                     GFile          *file);

/* enlarge-window-preview.c: "Preview Region" */
void _enlarge_window_class_preview_init (GtkWidgetClass *widget_class);
void _enlarge_window_preview_init       (EnlargeWindow  *self);
void _enlarge_window_preview_dispose    (EnlargeWindow  *self);
void _enlarge_window_clear_preview      (EnlargeWindow  *self);
void _enlarge_window_schedule_preview   (EnlargeWindow  *self);
void _enlarge_window_propose_region     (EnlargeWindow  *self);
void _enlarge_window_set_preview_mode   (EnlargeWindow  *self,
                                         gboolean        on);

/* enlarge-window-queue.c: the queue and "Upscale All" */
void _enlarge_window_class_queue_init (GtkWidgetClass *widget_class);
void _enlarge_window_queue_init       (EnlargeWindow  *self);
void _enlarge_window_queue_dispose    (EnlargeWindow  *self);

/* enlarge-window.c: a new frame of the video shown as the input (the
 * result and preview of the last one dropped, the zoom kept) */
void _enlarge_window_show_frame (EnlargeWindow *self,
                                 EnlargeImage  *frame);
char *_enlarge_window_format_duration (double seconds);

/* enlarge-window-video.c: videos and animations */
void     _enlarge_window_class_video_init (GtkWidgetClass *widget_class);
void     _enlarge_window_video_init       (EnlargeWindow  *self);
/* Opens @file as a video when it is one (off the main thread; a still
 * found there goes on to _enlarge_window_load's still path); FALSE for a
 * name that cannot be a video. */
gboolean _enlarge_window_video_open       (EnlargeWindow *self,
                                           GFile         *file);
/* _enlarge_window_show_loaded: @file is shown; its video, if it is the
 * one opened, becomes the window's, otherwise the video is forgotten. */
void     _enlarge_window_video_shown      (EnlargeWindow *self,
                                           GFile         *file);
gboolean _enlarge_window_video_running    (EnlargeWindow *self);
void     _enlarge_window_video_cancel     (EnlargeWindow *self);
void     _enlarge_window_video_update_state (EnlargeWindow *self);
void     _enlarge_window_video_dispose    (EnlargeWindow *self);

/* ---- for tests ---------------------------------------------------------- */

/* Videos: whether one is open; the scrubber's position (seconds; set as
 * if the user moved it); frames shown since it opened; whether a frame is
 * being fetched; Upscale Video's output (NULL before one is written) and
 * whether it runs. */
gboolean    enlarge_window_get_video           (EnlargeWindow *self);
GtkAdjustment *enlarge_window_get_video_adjustment (EnlargeWindow *self);
guint       enlarge_window_get_video_frames_shown (EnlargeWindow *self);
gboolean    enlarge_window_get_video_seeking   (EnlargeWindow *self);
GFile      *enlarge_window_get_video_output    (EnlargeWindow *self);
gboolean    enlarge_window_get_video_running   (EnlargeWindow *self);

/* The queue (EnlargeQueue): its length, each entry's file and state, and the
 * detail (the output's file name when done, the reason when failed). */
guint             enlarge_window_get_queue_length  (EnlargeWindow *self);
GFile            *enlarge_window_get_queue_file    (EnlargeWindow *self, guint i);
EnlargeQueueState enlarge_window_get_queue_state   (EnlargeWindow *self, guint i);
const char       *enlarge_window_get_queue_detail  (EnlargeWindow *self, guint i);
GFile            *enlarge_window_get_queue_output  (EnlargeWindow *self, guint i);
gboolean          enlarge_window_get_batch_running (EnlargeWindow *self);
gboolean          enlarge_window_get_saving        (EnlargeWindow *self);

/* The question the window asks (save or discard, stop and close, a huge
 * result), NULL when none. */
AdwMessageDialog   *enlarge_window_get_question     (EnlargeWindow *self);
EnlargeImage       *enlarge_window_get_input        (EnlargeWindow *self);
EnlargeImage       *enlarge_window_get_result       (EnlargeWindow *self);
gboolean            enlarge_window_get_loading      (EnlargeWindow *self);
gboolean            enlarge_window_get_running      (EnlargeWindow *self);
gboolean            enlarge_window_get_unsaved      (EnlargeWindow *self);
gboolean            enlarge_window_get_outdated     (EnlargeWindow *self);
guint               enlarge_window_get_toast_count  (EnlargeWindow *self);
/* model files being imported */
guint               enlarge_window_get_importing    (EnlargeWindow *self);
const char         *enlarge_window_get_last_toast   (EnlargeWindow *self);
EnlargeCompareView *enlarge_window_get_compare_view (EnlargeWindow *self);
/* The "Compare Models" window (win.compare, Ctrl+M) while it is open. */
EnlargeCompareWindow *enlarge_window_get_compare_window (EnlargeWindow *self);

/* "Preview Region" (win.preview-region, Ctrl+R): whether it is on; its
 * region in input pixels (set_region as if the user dragged it); whether a
 * preview is waiting or running; how many have finished; the last one
 * shown (NULL when none), with where it lies in the full output and how
 * long it took. */
gboolean      enlarge_window_get_preview_mode   (EnlargeWindow *self);
void          enlarge_window_set_preview_region (EnlargeWindow *self, const EnlargeRect *region);
gboolean      enlarge_window_get_preview_region (EnlargeWindow *self, EnlargeRect *region);
gboolean      enlarge_window_get_preview_busy   (EnlargeWindow *self);
guint         enlarge_window_get_preview_count  (EnlargeWindow *self);
EnlargeImage *enlarge_window_get_preview        (EnlargeWindow *self,
                                                 EnlargeRect   *output_rect,
                                                 double        *seconds);

/* The model is NULL when none is installed. */
const char    *enlarge_window_get_preset (EnlargeWindow *self);
void           enlarge_window_set_preset (EnlargeWindow *self, const char *preset);
const char    *enlarge_window_get_model  (EnlargeWindow *self);
void           enlarge_window_set_model  (EnlargeWindow *self, const char *model);
GtkAdjustment *enlarge_window_get_creativity_adjustment (EnlargeWindow *self);
GtkAdjustment *enlarge_window_get_scale_adjustment      (EnlargeWindow *self);
GtkAdjustment *enlarge_window_get_target_adjustment     (EnlargeWindow *self);

G_END_DECLS
