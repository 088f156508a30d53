import { PassScreen } from '../../src/screens/PassScreen';

export default PassScreen;
