import { FaceScreen } from '../../src/screens/FaceScreen';

export default FaceScreen;
