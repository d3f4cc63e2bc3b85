/* What the two sides of checkpoint mode share (hv/ft_ckpt_*.c). */
#ifndef UNDERSTUDY_HV_FT_CKPT_INTERNAL_H
#define UNDERSTUDY_HV_FT_CKPT_INTERNAL_H

#include "hv/ft_checkpoint.h"

/* This side's figures (hv/ft_ckpt_report.c reports them). */
extern struct ft_ckpt_stats ft_ckpt_st;

#endif
