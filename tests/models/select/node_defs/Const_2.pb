
Const_2Const*
dtype0	*
valueB	R