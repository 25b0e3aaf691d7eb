def doubled(value):
    return 2 * value
