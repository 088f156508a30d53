import { DoorScreen } from '../../src/screens/DoorScreen';

export default DoorScreen;
