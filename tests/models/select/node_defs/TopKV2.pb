
TopKV2TopKV2	Reshape_1TopKV2/k*
Tk0*
T0*

index_type0*
sorted(