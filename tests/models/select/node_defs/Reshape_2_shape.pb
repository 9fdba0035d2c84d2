
Reshape_2/shapeConst*
dtype0*
valueB:
ÿÿÿÿÿÿÿÿÿ