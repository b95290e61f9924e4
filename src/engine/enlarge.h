#pragma once

/* The engine's public interface: no GTK here. */
#include "enlarge-error.h"
#include "enlarge-tensor.h"
#include "enlarge-net.h"
#include "enlarge-model.h"
#include "enlarge-model-folder.h"
#include "enlarge-import.h"
#include "enlarge-weights.h"
#include "enlarge-backend.h"
#include "enlarge-tiler.h"
#include "enlarge-image.h"
#include "enlarge-metrics.h"
#include "enlarge-output.h"
#include "enlarge-upscaler.h"
#include "enlarge-resample.h"
#include "enlarge-pipeline.h"
#include "enlarge-preview.h"
