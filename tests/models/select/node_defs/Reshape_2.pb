
	Reshape_2ReshapeaReshape_2/shape*
Tshape0*
T0