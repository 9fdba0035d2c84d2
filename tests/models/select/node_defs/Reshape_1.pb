
	Reshape_1ReshapebReshape_1/shape*
Tshape0*
T0