
ReshapeReshapeaReshape/shape*
Tshape0*
T0