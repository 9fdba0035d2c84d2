
UniqueUniqueCast*
T0	*
out_idx0	