include $(sort $(wildcard $(BR2_EXTERNAL_VENUEKIOSK_PATH)/package/*/*.mk))
