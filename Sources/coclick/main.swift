// The coclick executable: a thin front over CoClickShell.
print("coclick: not built yet")
