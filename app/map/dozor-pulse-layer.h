/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <shumate/shumate.h>

G_BEGIN_DECLS

#define DOZOR_TYPE_PULSE_LAYER (dozor_pulse_layer_get_type ())
G_DECLARE_FINAL_TYPE (DozorPulseLayer, dozor_pulse_layer, DOZOR, PULSE_LAYER, ShumateLayer)

DozorPulseLayer *dozor_pulse_layer_new   (ShumateViewport *viewport);
void             dozor_pulse_layer_pulse (DozorPulseLayer *self,
                                          double           lat,
                                          double           lon);

G_END_DECLS
