print("strand")
