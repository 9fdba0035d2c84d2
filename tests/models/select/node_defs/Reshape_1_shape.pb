
Reshape_1/shapeConst*
dtype0*
valueB:
ÿÿÿÿÿÿÿÿÿ