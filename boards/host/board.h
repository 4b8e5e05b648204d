/**
 * @file board.h
 * @brief The build machine as a board: the console is stdout, the exit
 *        status is the process's, the clock is CLOCK_MONOTONIC. The stack
 *        is not measured (BOARD_MEASURES_STACK is 0): a hosted process's
 *        stack is neither small nor the one a device would have.
 */
#ifndef HC_BOARD_H
#define HC_BOARD_H

#include "board_common.h"

#define BOARD_NAME "host"
#define BOARD_CPU "host"
#define BOARD_HAS_MILLIS 1
#define BOARD_MEASURES_STACK 0

#endif /* HC_BOARD_H */
