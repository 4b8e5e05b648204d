/* Test stand-in for ESP-IDF's freertos/task.h (see ../README.md). */
#pragma once
#include "freertos/FreeRTOS.h"
void vTaskDelay(const TickType_t xTicksToDelay);
typedef void (*TaskFunction_t)(void *);
typedef struct tskTaskControlBlock *TaskHandle_t;
BaseType_t xTaskCreate(TaskFunction_t pxTaskCode, const char *const pcName,
                       const uint32_t usStackDepth, void *const pvParameters,
                       UBaseType_t uxPriority, TaskHandle_t *const pxCreatedTask);
void vTaskDelete(TaskHandle_t xTaskToDelete);
TickType_t xTaskGetTickCount(void);
BaseType_t xTaskDelayUntil(TickType_t *const pxPreviousWakeTime, const TickType_t xTimeIncrement);
#define vTaskDelayUntil(prev, inc) do { (void)xTaskDelayUntil((prev), (inc)); } while (0)
